import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Root of Plinth's cache: `$PLINTH_CACHE_DIR`, else `$XDG_CACHE_HOME/plinth`, else
 * `~/.cache/plinth`. The environment is read on every call (tests point it elsewhere).
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLINTH_CACHE_DIR) return env.PLINTH_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'plinth');
  return join(homedir(), '.cache', 'plinth');
}
