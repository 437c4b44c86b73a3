// The fleet bench's Git server: the tests' real one (test/support/git-server.ts: bare repositories served on
// loopback by `git daemon`, what Plinth's GitSource reads) plus its smart-HTTP front (`git http-backend`, what
// Flux's GitRepository needs: its CRD only accepts http, https and ssh URLs). Both serve the same bare
// repository, so the two systems read the same commits. Commits are written straight into the bare repository,
// which is what a `git push` to a forge ends in.
import { startGitServer as startTestGitServer } from '../../../test/support/git-server.js';

export interface GitServer {
  /** Root of the bare repositories (`<root>/<name>.git`). */
  root: string;
  /** `http://127.0.0.1:<port>/<name>.git` (smart HTTP). */
  httpUrl(repo: string): string;
  /** `git://127.0.0.1:<port>/<name>.git` (git daemon). */
  daemonUrl(repo: string): string;
  /** Creates the bare repository `<name>.git` with one commit of `files` on `branch`; returns the commit. */
  createRepo(repo: string, files: Record<string, string>, branch?: string): Promise<string>;
  /** Commits `files` (path -> content) onto the repository's branch; returns the commit. */
  commit(repo: string, files: Record<string, string>, message: string): Promise<string>;
  /** Stops both servers and removes the root. */
  stop(): Promise<void>;
}

/** Starts `git daemon` and the smart-HTTP server on loopback over a fresh root; stop() ends both. */
export async function startGitServer(): Promise<GitServer> {
  const git = await startTestGitServer();
  const http = await git.startHttp();
  const branches = new Map<string, string>();
  return {
    root: git.root,
    httpUrl: (repo) => `${http}/${repo}.git`,
    daemonUrl: (repo) => git.url(repo),
    createRepo(repo, files, branch = 'main'): Promise<string> {
      git.createRepo(repo);
      branches.set(repo, branch);
      return Promise.resolve(git.commit(repo, files, { branch, message: 'initial commit' }));
    },
    commit(repo, files, message): Promise<string> {
      return Promise.resolve(git.commit(repo, files, { branch: branches.get(repo) ?? 'main', message }));
    },
    stop: () => git.stop(),
  };
}
