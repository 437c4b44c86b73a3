import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { PlinthError } from '../../../errors/index.js';

/** One manifest file to convert: where it came from and the name it gets under --output-dir. */
export interface InputFile {
  /** As shown in messages: the path given (or found under a directory), `-` for stdin. */
  readonly path: string;
  /** Relative output name: the file's name, or its path below the directory given. */
  readonly outName: string;
  readonly text: string;
}

const MANIFEST = /\.(ya?ml|json)$/i;

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && MANIFEST.test(e.name)) out.push(p);
  }
  return out;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Read every input: files as given, directories walked recursively for .yaml/.yml/.json files (in name
 * order), `-` for stdin. A path that does not exist or cannot be read is UPGRADE_CONVERT_NO_INPUT.
 */
export async function readInputs(paths: readonly string[], stdin: NodeJS.ReadableStream = process.stdin): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ path: '-', outName: 'stdin.yaml', text: await readStdin(stdin) });
      continue;
    }
    try {
      const st = await stat(p);
      if (st.isDirectory()) {
        const files = await walk(p);
        for (const f of files) out.push({ path: f, outName: relative(p, f), text: await readFile(f, 'utf8') });
      } else {
        out.push({ path: p, outName: basename(p), text: await readFile(p, 'utf8') });
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const detail = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      throw new PlinthError('UPGRADE_CONVERT_NO_INPUT', { path: p, detail }, { cause: err });
    }
  }
  return out;
}
