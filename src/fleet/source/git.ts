// The hub's Git cache: one bare repository per URL under the manager's data dir, fetched shallowly, and one
// checked-out content directory per commit (reused by every GitSource and path at that commit).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { gitAuthEnv, type GitCredentials } from './auth.js';
import { classifyGitFailure, GitCommandError, lastLines, runGit } from './exec.js';
import { describeRef, remoteRef, type GitRef } from './ref.js';

export interface GitCacheOptions {
  /** `<dataDir>/fleet/git` holds repos/, content/ and tmp/. */
  dataDir: string;
  lsRemoteTimeoutMs?: number;
  fetchTimeoutMs?: number;
}

export interface FetchRequest {
  url: string;
  ref: GitRef;
  credentials?: GitCredentials;
  signal?: AbortSignal;
}

/** Turns a failed git run into the catalogue's words: unreachable, unknown ref, auth refused, or failed. */
export function gitError(err: unknown, verb: string, req: Pick<FetchRequest, 'url' | 'ref'>): PlinthError {
  if (!(err instanceof GitCommandError)) return new PlinthError('FLEET_GIT_FAILED', { verb, url: req.url, detail: String((err as Error)?.message ?? err) }, { cause: err });
  const detail = err.timedOut ? 'git timed out' : lastLines(err.stderr) || err.message;
  switch (err.timedOut ? 'unreachable' : classifyGitFailure(err.stderr)) {
    case 'auth':
      return new PlinthError('FLEET_GIT_AUTH_REFUSED', { url: req.url, detail }, { cause: err });
    case 'unreachable':
      return new PlinthError('FLEET_GIT_UNREACHABLE', { url: req.url, detail }, { cause: err });
    case 'unknown-ref':
      return new PlinthError('FLEET_GIT_UNKNOWN_REF', { url: req.url, ref: describeRef(req.ref) }, { cause: err });
    default:
      return new PlinthError('FLEET_GIT_FAILED', { verb, url: req.url, detail }, { cause: err });
  }
}

/** The sha a branch or tag points at from `git ls-remote` output (a tag's peeled `^{}` line wins). */
export function parseLsRemote(stdout: string, ref: string): string | undefined {
  let direct: string | undefined;
  for (const line of stdout.split('\n')) {
    const [sha, name] = line.trim().split(/\s+/);
    if (!sha || !name) continue;
    if (name === `${ref}^{}`) return sha;
    if (name === ref) direct = sha;
  }
  return direct;
}

export class GitCache {
  private readonly root: string;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: GitCacheOptions) {
    this.root = opts.dataDir;
  }

  /** The bare repository that caches `url`. */
  repoDir(url: string): string {
    return join(this.root, 'repos', createHash('sha256').update(url).digest('hex').slice(0, 24));
  }

  /** The checked-out tree of a commit (it exists once `checkout` returned it). */
  contentDir(commit: string): string {
    return join(this.root, 'content', commit);
  }

  /** The commit a branch or tag names on the server now (one cheap `git ls-remote`); undefined for a commit ref. */
  async lsRemote(req: FetchRequest): Promise<string | undefined> {
    const full = remoteRef(req.ref);
    if (!full) return undefined;
    const auth = await gitAuthEnv(req.url, req.credentials, join(this.root, 'tmp'));
    try {
      // A tag may be annotated: ask for its peeled commit too.
      const patterns = req.ref.kind === 'tag' ? [full, `${full}^{}`] : [full];
      const { stdout } = await runGit(['ls-remote', '--', req.url, ...patterns], { env: auth.env, timeoutMs: this.opts.lsRemoteTimeoutMs ?? 30_000, signal: req.signal });
      const sha = parseLsRemote(stdout, full);
      if (!sha) throw new PlinthError('FLEET_GIT_UNKNOWN_REF', { url: req.url, ref: describeRef(req.ref) });
      return sha;
    } catch (err) {
      throw err instanceof PlinthError ? err : gitError(err, 'ls-remote', req);
    } finally {
      await auth.cleanup();
    }
  }

  /**
   * Makes the commit the ref names present in the cache (a shallow fetch of depth 1 unless it is there already)
   * and returns its full sha. `known` is the sha ls-remote gave, when it did.
   */
  async fetch(req: FetchRequest, known?: string): Promise<string> {
    const repo = this.repoDir(req.url);
    return this.locked(repo, async () => {
      await this.initRepo(repo);
      if (known && (await this.hasCommit(repo, known))) return known;
      if (req.ref.kind === 'commit' && (await this.hasCommit(repo, req.ref.name))) return this.revParse(repo, req.ref.name);
      const auth = await gitAuthEnv(req.url, req.credentials, join(this.root, 'tmp'));
      const run = (args: string[]): Promise<unknown> =>
        runGit(['--git-dir', repo, '-c', 'gc.auto=0', 'fetch', '--no-tags', '--quiet', ...args], { env: auth.env, timeoutMs: this.opts.fetchTimeoutMs ?? 300_000, signal: req.signal });
      try {
        const full = remoteRef(req.ref);
        if (full) {
          await run(['--depth=1', '--', req.url, `+${full}:refs/plinth/fetched`]);
          return await this.revParse(repo, 'refs/plinth/fetched');
        }
        // A commit: servers speaking protocol v2 give a reachable commit by its full sha; else (or for an
        // abbreviated sha) fetch every branch and tag and look for it.
        if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(req.ref.name)) {
          try {
            await run(['--depth=1', '--', req.url, req.ref.name]);
            return await this.revParse(repo, req.ref.name);
          } catch (err) {
            if (err instanceof GitCommandError && classifyGitFailure(err.stderr) !== 'unknown-ref' && classifyGitFailure(err.stderr) !== 'other') throw err;
          }
        }
        await run(['--', req.url, '+refs/heads/*:refs/plinth/heads/*', '+refs/tags/*:refs/plinth/tags/*']);
        if (!(await this.hasCommit(repo, req.ref.name))) throw new PlinthError('FLEET_GIT_UNKNOWN_REF', { url: req.url, ref: describeRef(req.ref) });
        return await this.revParse(repo, req.ref.name);
      } catch (err) {
        throw err instanceof PlinthError ? err : gitError(err, 'fetch', req);
      } finally {
        await auth.cleanup();
      }
    });
  }

  /** The checked-out tree of a commit fetched from `url`: made once, then reused. */
  async checkout(url: string, commit: string): Promise<string> {
    const dir = this.contentDir(commit);
    if (existsSync(dir)) return dir;
    const repo = this.repoDir(url);
    return this.locked(dir, async () => {
      if (existsSync(dir)) return dir;
      await mkdir(join(this.root, 'content'), { recursive: true });
      const tmp = await mkdtemp(join(this.root, 'content', `.${commit}-`));
      const index = `${tmp}.index`;
      try {
        const env = { GIT_INDEX_FILE: index };
        await runGit(['--git-dir', repo, 'read-tree', commit], { env });
        await runGit(['--git-dir', repo, '--work-tree', tmp, 'checkout-index', '--all', '--force'], { env });
        await rename(tmp, dir);
      } catch (err) {
        await rm(tmp, { recursive: true, force: true });
        throw err instanceof PlinthError ? err : new PlinthError('FLEET_GIT_FAILED', { verb: 'checkout', url, detail: (err as Error).message }, { cause: err });
      } finally {
        await rm(index, { force: true });
      }
      return dir;
    });
  }

  /**
   * Removes checked-out trees no longer needed: all but the commits in `keep` and the `newest` most recently
   * made ones. Returns the removed commits.
   */
  async pruneContent(keep: ReadonlySet<string>, newest = 20): Promise<string[]> {
    const root = join(this.root, 'content');
    let names: string[];
    try {
      names = (await readdir(root)).filter((n) => /^[0-9a-f]{40,64}$/.test(n));
    } catch {
      return [];
    }
    const dated = await Promise.all(names.map(async (n) => ({ n, at: (await stat(join(root, n))).mtimeMs })));
    dated.sort((a, b) => b.at - a.at);
    const gone = dated.slice(newest).map((d) => d.n).filter((n) => !keep.has(n));
    for (const n of gone) await this.locked(join(root, n), () => rm(join(root, n), { recursive: true, force: true }));
    return gone;
  }

  private async initRepo(repo: string): Promise<void> {
    if (existsSync(join(repo, 'HEAD'))) return;
    await mkdir(repo, { recursive: true });
    await runGit(['init', '--quiet', '--bare', repo]);
  }

  private async hasCommit(repo: string, rev: string): Promise<boolean> {
    try {
      await runGit(['--git-dir', repo, 'cat-file', '-e', `${rev}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  private async revParse(repo: string, rev: string): Promise<string> {
    const { stdout } = await runGit(['--git-dir', repo, 'rev-parse', '--verify', `${rev}^{commit}`]);
    return stdout.trim();
  }

  /** One git at a time per repository (or content dir) in this process. */
  private async locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}
