import { rename, writeFile } from 'node:fs/promises';

/**
 * Write a file atomically: a temporary sibling, then a rename, so a reader sees the old content or the
 * new, never half of it. `mode` sets the file's permissions (e.g. 0o600 for files holding secrets).
 */
export async function writeAtomic(path: string, data: string | Buffer, opts: { mode?: number } = {}): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, opts.mode === undefined ? {} : { mode: opts.mode });
  await rename(tmp, path);
}
