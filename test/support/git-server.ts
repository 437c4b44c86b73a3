// A real Git server for the fleet tests: `git daemon` on a free loopback port serving bare repositories from a
// temporary directory (git://127.0.0.1:PORT/NAME), with helpers that commit files onto a branch, tag and delete
// refs right in the bare repository (what a push leaves there), and that count the requests the daemon served,
// so a test can tell how many times the hub went to Git.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../src/kube/clock.js';

export interface GitServer {
  /** git://127.0.0.1:PORT */
  readonly base: string;
  /** The directory holding the bare repositories (NAME.git). */
  readonly root: string;
  /** Creates an empty bare repository; returns its URL. */
  createRepo(name: string): string;
  /** The URL of a repository. */
  url(name: string): string;
  /**
   * Commits on `branch` (created when missing) the parent's tree changed by `files`: path → content, or null to
   * delete the path. Returns the new commit's sha.
   */
  commit(name: string, files: Record<string, string | null>, opts?: { branch?: string; message?: string }): string;
  /** Creates (or moves) an annotated tag at a commit (default: the head of `main`); returns the tag's commit. */
  tag(name: string, tag: string, commit?: string): string;
  /** The commit a branch points at, or undefined. */
  head(name: string, branch?: string): string | undefined;
  /** upload-pack requests (ls-remote, fetch, clone) the daemon served for a repository so far. */
  uploadPacks(name: string): number;
  /**
   * Serves the same repositories over smart HTTP (`git http-backend` behind a Node server on loopback), demanding
   * HTTP Basic auth with these credentials when given; returns http://127.0.0.1:PORT (repositories at /NAME.git).
   */
  startHttp(auth?: { username: string; password: string }): Promise<string>;
  /** Requests the HTTP server refused (401) so far. */
  httpRefused(): number;
  /** Stops the daemon (and everything it forked), the HTTP server, and removes the repositories. */
  stop(): Promise<void>;
}

const IDENT = { GIT_AUTHOR_NAME: 'Plinth Test', GIT_AUTHOR_EMAIL: 'test@plinth.invalid', GIT_COMMITTER_NAME: 'Plinth Test', GIT_COMMITTER_EMAIL: 'test@plinth.invalid' };

function git(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  const r = spawnSync('git', args, {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, ...IDENT, GIT_CONFIG_NOSYSTEM: '1', HOME: opts.cwd ?? tmpdir(), ...opts.env },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
  return r.stdout.trim();
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts `git daemon` on loopback; fails when it does not answer within 10 s. */
export async function startGitServer(): Promise<GitServer> {
  const root = await mkdtemp(join(tmpdir(), 'plinth-git-'));
  let proc: ChildProcess | undefined;
  let port = 0;
  const requests = new Map<string, number>();
  let log = '';
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const p = spawn(
      'git',
      ['daemon', '--reuseaddr', '--export-all', '--enable=receive-pack', '--verbose', '--log-destination=stderr', `--base-path=${root}`, '--listen=127.0.0.1', `--port=${port}`, root],
      // Not detached: a test runner killed with its process group takes the daemon along.
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let buf = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (chunk: string) => {
      buf += chunk;
      log = (log + chunk).slice(-8000);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        // "[pid] Request upload-pack for '/name.git'"
        const m = /Request upload-pack for '\/?([^']+?)(?:\.git)?'/.exec(line);
        if (m) requests.set(m[1]!, (requests.get(m[1]!) ?? 0) + 1);
      }
    });
    if (await answers(port, p)) {
      proc = p;
      break;
    }
    stopDaemon(p);
    if (attempt >= 3) {
      await rm(root, { recursive: true, force: true });
      throw new Error(`git daemon did not start: ${log}`);
    }
  }
  const base = `git://127.0.0.1:${port}`;
  let http: Server | undefined;
  let refused = 0;
  const dir = (name: string): string => join(root, `${name}.git`);

  const server: GitServer = {
    base,
    root,
    url: (name) => `${base}/${name}.git`,
    createRepo(name) {
      git(['init', '--quiet', '--bare', '--initial-branch=main', dir(name)]);
      return server.url(name);
    },
    commit(name, files, opts = {}) {
      const branch = opts.branch ?? 'main';
      const gitDir = dir(name);
      const parent = server.head(name, branch);
      const index = join(root, `.index-${name}-${process.pid}`);
      const env = { GIT_DIR: gitDir, GIT_INDEX_FILE: index };
      try {
        if (parent) git(['read-tree', parent], { env });
        else git(['read-tree', '--empty'], { env });
        for (const [path, content] of Object.entries(files)) {
          if (content === null) {
            // Mode 0 in --index-info removes the entry (update-index --remove needs a work tree).
            git(['update-index', '--index-info'], { env, input: `0 ${'0'.repeat(40)}\t${path}\n` });
            continue;
          }
          const blob = git(['hash-object', '-w', '--stdin'], { env, input: content });
          git(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
        }
        const tree = git(['write-tree'], { env });
        const sha = git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', opts.message ?? `change ${Object.keys(files).join(', ')}`], { env });
        git(['update-ref', `refs/heads/${branch}`, sha, ...(parent ? [parent] : [])], { env });
        return sha;
      } finally {
        spawnSync('rm', ['-f', index]);
      }
    },
    tag(name, tag, commit) {
      const at = commit ?? server.head(name);
      if (!at) throw new Error(`repository ${name} has no commit to tag`);
      git(['tag', '-f', '-a', '-m', `tag ${tag}`, tag, at], { env: { GIT_DIR: dir(name) } });
      return at;
    },
    head(name, branch = 'main') {
      const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { encoding: 'utf8', env: { ...process.env, GIT_DIR: dir(name) } });
      return r.status === 0 ? r.stdout.trim() : undefined;
    },
    uploadPacks: (name) => requests.get(name) ?? 0,
    async startHttp(auth) {
      const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
      http = createHttpServer((req, res) => {
        if (expected !== undefined && req.headers.authorization !== expected) {
          refused++;
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="plinth-test"' });
          res.end('authentication required\n');
          return;
        }
        cgi(root, req, res, auth?.username ?? 'anonymous');
      });
      await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', () => resolve()));
      return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    },
    httpRefused: () => refused,
    async stop() {
      if (http) {
        http.closeAllConnections();
        await new Promise<void>((r) => http!.close(() => r()));
      }
      if (proc) {
        const exited = new Promise<void>((r) => (proc!.exitCode !== null || proc!.signalCode !== null ? r() : proc!.once('exit', () => r())));
        stopDaemon(proc);
        await Promise.race([exited, sleep(5000)]);
        proc = undefined;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
  return server;
}

/** Stops the daemon; the upload-packs it forked for connections end with their connections. */
function stopDaemon(p: ChildProcess): void {
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
}

async function answers(port: number, p: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (p.exitCode !== null) return false;
    const r = spawnSync('git', ['ls-remote', `git://127.0.0.1:${port}/.probe-none`], { encoding: 'utf8', timeout: 5000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    // A daemon that answers refuses the unknown repository; a connection error means it is not up yet.
    if (!/unable to connect|Connection refused/i.test(r.stderr ?? '')) return true;
    await sleep(100);
  }
  return false;
}

/** One request through `git http-backend` (CGI): the body in, the CGI headers turned into the HTTP response. */
function cgi(root: string, req: IncomingMessage, res: ServerResponse, user: string): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const child = spawn('git', ['http-backend'], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: user,
      REMOTE_ADDR: '127.0.0.1',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let sent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (sent) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const i = line.indexOf(':');
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
      else headers[k] = v;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
    sent = true;
  });
  child.on('close', () => {
    if (!sent) res.writeHead(500);
    res.end();
  });
}
