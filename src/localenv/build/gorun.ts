/**
 * Running the go command (and the built binaries) with all their output in the build log.
 */
import { spawn, execFile } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** An append-only build log shared by every go command of one `ensureBinaries` call. */
export class BuildLog {
  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {}

  static async open(path: string): Promise<BuildLog> {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new BuildLog(path, stream);
  }

  write(chunk: string | Buffer): void {
    this.stream.write(chunk);
  }

  line(text: string): void {
    this.stream.write(`${new Date().toISOString()} ${text}\n`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}

/** The environment of every go command: the pinned toolchain, static binaries, no workspace. */
export function goEnv(
  base: NodeJS.ProcessEnv,
  toolchain: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...base,
    GOTOOLCHAIN: toolchain,
    GO111MODULE: 'on',
    GOWORK: 'off',
    CGO_ENABLED: '0',
    // Replaces the user's GOFLAGS: -mod=vendor or the like would break the wrapper modules.
    GOFLAGS: '-buildvcs=false',
    ...extra,
  };
}

/** A go command that exited non-zero; `tail` is the end of its output. */
export class GoCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly tail: string,
  ) {
    super(`go ${args.join(' ')} exited with ${signal ?? exitCode}:\n${tail}`);
    this.name = 'GoCommandError';
  }
}

export interface GoRun {
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: BuildLog;
  /** Keep stdout and return it (it is logged too). */
  captureStdout?: boolean;
}

const TAIL_BYTES = 4000;

/** Runs `go <args>`; rejects with GoCommandError on failure, or the spawn error (ENOENT). */
export async function runGo(r: GoRun): Promise<{ stdout: string }> {
  r.log.line(`$ (cd ${r.cwd} && GOTOOLCHAIN=${r.env.GOTOOLCHAIN ?? ''} GOFLAGS=${r.env.GOFLAGS ?? ''} go ${r.args.join(' ')})`);
  const child = spawn('go', r.args, { cwd: r.cwd, env: r.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let tail = '';
  const onData = (chunk: Buffer, keep: boolean): void => {
    r.log.write(chunk);
    if (keep) out.push(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout.on('data', (c: Buffer) => onData(c, r.captureStdout === true));
  child.stderr.on('data', (c: Buffer) => onData(c, false));
  const started = Date.now();
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  });
  r.log.line(`exit ${signal ?? code} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (code !== 0) throw new GoCommandError(r.args, code, signal, tail);
  return { stdout: Buffer.concat(out).toString('utf8') };
}

/** Runs `<binary> --version` and returns its output (both streams). */
export async function binaryVersion(binary: string): Promise<string> {
  const { stdout, stderr } = await execFileP(binary, ['--version'], { timeout: 30_000, env: { PATH: process.env.PATH } });
  return `${stdout}${stderr}`.trim();
}
