// Git credentials from a GitSource's Secret, handed to git without ever entering a URL, argv or a log:
// an HTTPS token becomes an `http.<url>.extraHeader` set through GIT_CONFIG_* environment variables (what `-c`
// does, but invisible in the process list), an SSH key a 0600 file named by GIT_SSH_COMMAND, removed after.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';

/** The decoded keys of the Secret a GitSource's `spec.secretRef` names. */
export interface GitCredentials {
  /** `namespace/name` of the Secret, for messages. */
  secret: string;
  username?: string;
  password?: string;
  identity?: string;
  knownHosts?: string;
}

/** Decodes a Secret's `data` (base64) into credentials; refuses a Secret with neither a token nor a key. */
export function credentialsFromSecret(secret: string, data: Record<string, string> | undefined): GitCredentials {
  const get = (k: string): string | undefined => (data?.[k] !== undefined ? Buffer.from(data[k], 'base64').toString('utf8') : undefined);
  const creds: GitCredentials = { secret, username: get('username'), password: get('password'), identity: get('identity'), knownHosts: get('known_hosts') };
  if (creds.password === undefined && creds.identity === undefined) {
    throw new PlinthError('FLEET_GIT_SECRET_INVALID', { secret, detail: 'it has neither `password` nor `identity`' });
  }
  return creds;
}

/**
 * A short digest of the credentials: fetches are shared between GitSources only when they use the same URL,
 * ref and credentials, so no namespace reads a repository through another namespace's token.
 */
export function credentialsKey(creds: GitCredentials | undefined): string {
  if (!creds) return 'anonymous';
  const h = createHash('sha256');
  for (const v of [creds.username, creds.password, creds.identity, creds.knownHosts]) h.update(`${v ?? ''}\0`);
  return h.digest('hex').slice(0, 16);
}

/** The environment of one git run with credentials, and how to clean up after it. */
export interface GitAuthEnv {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const isHttp = (url: string): boolean => /^https?:\/\//i.test(url);

/** The git config entries, as GIT_CONFIG_COUNT/KEY/VALUE variables, of an HTTP Basic header scoped to `url`. */
export function httpAuthConfig(url: string, username: string | undefined, password: string): Record<string, string> {
  const basic = Buffer.from(`${username ?? 'git'}:${password}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${url}.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The GIT_SSH_COMMAND that uses only `keyFile` and (when given) only `knownHostsFile`. */
export function sshCommand(keyFile: string, knownHostsFile: string | undefined): string {
  const hosts = knownHostsFile ? ['-o', `UserKnownHostsFile=${shellQuote(knownHostsFile)}`] : [];
  return ['ssh', '-i', shellQuote(keyFile), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...hosts].join(' ');
}

/** Prepares the environment for git to use `creds` with `url`; `tmpRoot` receives the short-lived key files. */
export async function gitAuthEnv(url: string, creds: GitCredentials | undefined, tmpRoot: string): Promise<GitAuthEnv> {
  const none: GitAuthEnv = { env: {}, cleanup: () => Promise.resolve() };
  if (!creds) return none;
  if (isHttp(url)) {
    if (creds.password === undefined) throw new PlinthError('FLEET_GIT_SECRET_INVALID', { secret: creds.secret, detail: `an https URL needs \`password\` (a token), the Secret has only an SSH key` });
    return { env: httpAuthConfig(url, creds.username, creds.password), cleanup: () => Promise.resolve() };
  }
  if (creds.identity === undefined) return none;
  await mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(tmpRoot, 'ssh-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const key = join(dir, 'identity');
    await writeFile(key, creds.identity.endsWith('\n') ? creds.identity : `${creds.identity}\n`, { mode: 0o600 });
    let hosts: string | undefined;
    if (creds.knownHosts !== undefined) {
      hosts = join(dir, 'known_hosts');
      await writeFile(hosts, creds.knownHosts, { mode: 0o600 });
    }
    return { env: { GIT_SSH_COMMAND: sshCommand(key, hosts) }, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
