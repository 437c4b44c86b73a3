// A local Git server for the fleet bench: bare repositories under one root directory, served on loopback both
// by `git daemon` (git://, what Plinth's GitSource reads) and by `git http-backend` behind a small Node HTTP
// server (smart HTTP, what Flux's GitRepository needs: its CRD only accepts http, https and ssh URLs). Both
// serve the same bare repository, so the two systems read the same commits. Commits are pushed from a work
// clone straight into the bare repository (a local push), which is what a `git push` to a forge ends in.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { sleep } from '../../../src/kube/clock.js';

const run = promisify(execFile);

export interface GitServer {
  /** Root of the bare repositories (`<root>/<name>.git`). */
  root: string;
  /** `http://127.0.0.1:<port>/<name>.git` (smart HTTP). */
  httpUrl(repo: string): string;
  /** `git://127.0.0.1:<port>/<name>.git` (git daemon). */
  daemonUrl(repo: string): string;
  /** Creates the bare repository `<name>.git` with one commit of `files` on `branch`; returns the commit. */
  createRepo(repo: string, files: Record<string, string>, branch?: string): Promise<string>;
  /** Writes `files` (path -> content) into the repository's work clone, commits and pushes; returns the commit. */
  commit(repo: string, files: Record<string, string>, message: string): Promise<string>;
  /** Stops both servers and removes the root. */
  stop(): Promise<void>;
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@plinth.dev', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@plinth.dev' };
  const { stdout } = await run('git', args, { cwd, env });
  return stdout.trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Serves one smart-HTTP request through `git http-backend` (CGI): request body in, CGI headers + body out. */
function httpBackend(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const sep = head.indexOf('\r\n\r\n');
    if (sep < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, sep).toString('latin1').split('\r\n')) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]) || 500;
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    res.write(head.subarray(sep + 4));
  });
  cgi.on('close', () => {
    if (!headersDone) res.statusCode = 500;
    res.end();
  });
  cgi.on('error', () => {
    res.statusCode = 500;
    res.end();
  });
}

/** Starts `git daemon` and the smart-HTTP server on loopback over a fresh root; stop() ends both. */
export async function startGitServer(): Promise<GitServer> {
  const base = mkdtempSync(join(tmpdir(), 'plinth-bench-git-'));
  const root = join(base, 'repos');
  const work = join(base, 'work');
  mkdirSync(root);
  mkdirSync(work);

  const http: Server = createServer((req, res) => httpBackend(root, req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const httpPort = (http.address() as AddressInfo).port;

  const daemonPort = await freePort();
  const daemon: ChildProcess = spawn(
    'git',
    ['daemon', '--reuseaddr', '--export-all', `--base-path=${root}`, '--listen=127.0.0.1', `--port=${daemonPort}`, root],
    { stdio: 'ignore' },
  );
  // Ready when `git ls-remote` answers (an empty root: the probe repo does not exist, so wait for a clean refusal).
  mkdirSync(join(root, 'probe.git'));
  await git(join(root, 'probe.git'), 'init', '--bare', '-q');
  for (let i = 0; ; i++) {
    try {
      await git(base, 'ls-remote', `git://127.0.0.1:${daemonPort}/probe.git`);
      break;
    } catch (err) {
      if (i > 50 || daemon.exitCode !== null) throw new Error(`git daemon did not start on port ${daemonPort}: ${String(err)}`);
      await sleep(100);
    }
  }
  rmSync(join(root, 'probe.git'), { recursive: true, force: true });

  const writeFiles = (dir: string, files: Record<string, string>): void => {
    for (const [path, content] of Object.entries(files)) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  };

  return {
    root,
    httpUrl: (repo) => `http://127.0.0.1:${httpPort}/${repo}.git`,
    daemonUrl: (repo) => `git://127.0.0.1:${daemonPort}/${repo}.git`,
    async createRepo(repo, files, branch = 'main'): Promise<string> {
      const bare = join(root, `${repo}.git`);
      mkdirSync(bare);
      await git(bare, 'init', '--bare', '-q', `--initial-branch=${branch}`);
      const clone = join(work, repo);
      mkdirSync(clone);
      await git(clone, 'init', '-q', `--initial-branch=${branch}`);
      await git(clone, 'remote', 'add', 'origin', bare);
      writeFiles(clone, files);
      await git(clone, 'add', '-A');
      await git(clone, 'commit', '-q', '-m', 'initial commit');
      await git(clone, 'push', '-q', 'origin', branch);
      return git(clone, 'rev-parse', 'HEAD');
    },
    async commit(repo, files, message): Promise<string> {
      const clone = join(work, repo);
      writeFiles(clone, files);
      await git(clone, 'add', '-A');
      await git(clone, 'commit', '-q', '-m', message);
      const branch = await git(clone, 'rev-parse', '--abbrev-ref', 'HEAD');
      await git(clone, 'push', '-q', 'origin', branch);
      return git(clone, 'rev-parse', 'HEAD');
    },
    async stop(): Promise<void> {
      daemon.kill('SIGTERM');
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      rmSync(base, { recursive: true, force: true });
    },
  };
}
