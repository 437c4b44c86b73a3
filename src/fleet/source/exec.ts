// Runs the system `git` the one way the hub does: spawned without a shell, never prompting, with a timeout,
// in the C locale (so its messages can be classified), only over the transports a GitSource may name.
import { spawn } from 'node:child_process';

export interface GitRun {
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  /** Extra environment (credentials travel here, never in argv). */
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A git command that exited non-zero, timed out or could not start; `stderr` is what git said. */
export class GitCommandError extends Error {
  constructor(
    readonly verb: string,
    readonly stderr: string,
    readonly exitCode: number | null,
    readonly timedOut: boolean,
  ) {
    super(timedOut ? `git ${verb} timed out` : `git ${verb} failed (exit ${exitCode ?? 'signal'}): ${lastLines(stderr)}`);
    this.name = 'GitCommandError';
  }
}

/** The last few meaningful lines of git's stderr (progress lines dropped). */
export function lastLines(stderr: string, n = 3): string {
  const lines = stderr
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(remote: )?(Counting|Compressing|Receiving|Resolving|Enumerating|Total)/.test(l));
  return lines.slice(-n).join('; ');
}

/** The environment every git the hub runs gets: no prompts, no system-wide or user config surprises in messages. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
    ...extra,
  };
}

/** Runs `git ARGS`; resolves with its output on exit 0, else rejects with a GitCommandError. */
export function runGit(args: string[], opts: GitRunOptions = {}): Promise<GitRun> {
  const verb = args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? 'git';
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      err = (err + c).slice(-16_000);
    });
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs ?? 120_000);
    opts.signal?.addEventListener('abort', kill, { once: true });
    const done = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', kill);
    };
    child.on('error', (e) => {
      done();
      reject(new GitCommandError(verb, `${err}\n${e.message}`, null, false));
    });
    child.on('close', (code) => {
      done();
      if (code === 0 && !timedOut) resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: err });
      else reject(new GitCommandError(verb, err, code, timedOut));
    });
  });
}

export type GitFailure = 'auth' | 'unreachable' | 'unknown-ref' | 'other';

/** What kind of failure git's stderr describes (LC_ALL=C messages of git, ssh, curl and the common servers). */
export function classifyGitFailure(stderr: string): GitFailure {
  const s = stderr.toLowerCase();
  if (/couldn't find remote ref|unknown revision|not our ref|no such remote ref|bad object|invalid refspec|is not a commit/.test(s)) return 'unknown-ref';
  if (
    /authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \(|http (status )?(401|403)|the requested url returned error: (401|403)|access denied(?! or repository not exported)|host key verification failed|invalid credentials/.test(
      s,
    )
  )
    return 'auth';
  if (
    /could not resolve host|unable to connect|connection refused|connection timed out|no route to host|network is unreachable|repository not found|no such repository|not found|does not appear to be a git repository|repository not exported|could not read from remote repository|unable to access|timed out|couldn't connect|failed to connect|early eof|the remote end hung up/.test(
      s,
    )
  )
    return 'unreachable';
  return 'other';
}
