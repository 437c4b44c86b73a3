import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PlinthError } from '../../../errors/index.js';
import { KB_NEWEST_MINOR, KB_OLDEST_MINOR, parseKubeVersion } from '../../assess/kb/version.js';
import { convertJsonText, convertYamlText, looksLikeJson, type ConvertTextResult } from './document.js';
import { readInputs } from './inputs.js';

/** Exit code when some object was left out (its API has no replacement at the target). */
export const EXIT_LEFT_OUT = 3;

export interface ConvertCommandOptions {
  readonly to: string;
  readonly files: readonly string[];
  readonly outputDir?: string;
  /** Also list every field change on stderr. */
  readonly showChanges?: boolean;
}

export interface ConvertIO {
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** The target minor of `--to`, or UPGRADE_CONVERT_BAD_TARGET. */
export function targetMinor(to: string): number {
  const params = { value: JSON.stringify(to), oldest: KB_OLDEST_MINOR, newest: KB_NEWEST_MINOR };
  const v = parseKubeVersion(to);
  if (!v) throw new PlinthError('UPGRADE_CONVERT_BAD_TARGET', { ...params, detail: 'not a Kubernetes version' });
  if (v.minor < KB_OLDEST_MINOR || v.minor > KB_NEWEST_MINOR) {
    throw new PlinthError('UPGRADE_CONVERT_BAD_TARGET', { ...params, detail: `the knowledge base covers 1.${KB_OLDEST_MINOR} to 1.${KB_NEWEST_MINOR}` });
  }
  return v.minor;
}

/**
 * `plinth upgrade convert`: read every input, convert it all in memory (a bad file stops everything
 * before anything is written), then write stdout or one file per input under --output-dir — each through
 * a temporary file renamed into place at the end, so no output is ever half-written. Warnings go to
 * stderr as `file:line: message`. Returns the exit code: 0, or EXIT_LEFT_OUT when objects were left out.
 */
export async function runConvert(opts: ConvertCommandOptions, io: ConvertIO): Promise<number> {
  const minor = targetMinor(opts.to);
  if (opts.files.length === 0) {
    throw new PlinthError('INVALID_ARGUMENT', { what: 'input', detail: 'no -f given', fix: 'name manifest files or directories with -f (or -f - for stdin)' });
  }
  const inputs = await readInputs(opts.files, io.stdin ?? process.stdin);
  const results: { path: string; outName: string; r: ConvertTextResult }[] = inputs.map((f) => ({
    path: f.path,
    outName: f.outName,
    r: looksLikeJson(f.path, f.text) ? convertJsonText(f.text, minor, f.path) : convertYamlText(f.text, minor, f.path),
  }));
  if (opts.outputDir !== undefined) await writeAll(opts.outputDir, results);
  else io.stdout(results.map((x) => x.r.text).filter((t) => t.trim() !== '').map(asDocument).join('---\n'));

  let objects = 0;
  let converted = 0;
  let leftOut = 0;
  for (const { path, r } of results) {
    if (opts.showChanges === true) for (const c of r.changes) io.stderr(`change: ${path}:${c.line}: ${c.message}\n`);
    for (const w of r.warnings) io.stderr(`warning: ${path}:${w.line}: ${w.message}\n`);
    objects += r.objects;
    converted += r.converted;
    leftOut += r.leftOut;
  }
  const where = opts.outputDir !== undefined ? ` into ${opts.outputDir}` : '';
  io.stderr(`converted ${converted} of ${objects} objects in ${results.length} file(s) to the APIs of 1.${minor}${where}${leftOut > 0 ? `; ${leftOut} left out (see the warnings)` : ''}\n`);
  return leftOut > 0 ? EXIT_LEFT_OUT : 0;
}

/** A file's text as a piece of a multi-document stream: no leading `---` (we add one), ends with a newline. */
function asDocument(text: string): string {
  const t = text.replace(/^---[ \t]*\n/, '');
  return t.endsWith('\n') ? t : `${t}\n`;
}

async function writeAll(dir: string, results: readonly { outName: string; r: ConvertTextResult }[]): Promise<void> {
  const seen = new Set<string>();
  for (const { outName } of results) {
    if (seen.has(outName)) {
      throw new PlinthError('INVALID_ARGUMENT', {
        what: '--output-dir',
        detail: `two inputs would both be written to ${join(dir, outName)}`,
        fix: 'give the inputs different names or convert them in separate runs',
      });
    }
    seen.add(outName);
  }
  const temps: { tmp: string; dest: string }[] = [];
  try {
    for (const { outName, r } of results) {
      const dest = resolve(dir, outName);
      const tmp = `${dest}.plinth-convert-${process.pid}.tmp`;
      await mkdir(dirname(dest), { recursive: true });
      temps.push({ tmp, dest });
      await writeFile(tmp, r.text);
    }
    for (const { tmp, dest } of temps) await rename(tmp, dest);
  } catch (err) {
    await Promise.all(temps.map(({ tmp }) => rm(tmp, { force: true })));
    const e = err as NodeJS.ErrnoException;
    throw new PlinthError('UPGRADE_CONVERT_WRITE_FAILED', { path: e.path ?? dir, detail: e.code ?? e.message }, { cause: err });
  }
}
