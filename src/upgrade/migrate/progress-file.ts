/**
 * The import's progress file (DIR/import-progress.json): which object files were applied to which
 * target, with the hash of the content applied. Written atomically at most every second and at the
 * end of each step, so an interrupted import resumes where it stopped.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from './store.js';
import { PROGRESS_FILE } from './types.js';

interface ProgressData {
  /** uid of the target's kube-system namespace: the progress of another cluster is not ours. */
  target: string;
  server: string;
  applied: Record<string, string>;
}

export class ImportProgress {
  private dirty = false;
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly data: ProgressData,
  ) {}

  static async load(dir: string, target: string, server: string): Promise<ImportProgress> {
    const path = join(dir, PROGRESS_FILE);
    let data: ProgressData = { target, server, applied: {} };
    try {
      const read = JSON.parse(await readFile(path, 'utf8')) as ProgressData;
      if (read && read.target === target && read.applied && typeof read.applied === 'object') data = { ...read, server };
    } catch {
      // Missing or torn (it is written atomically, so only a foreign file): start afresh.
    }
    return new ImportProgress(path, data);
  }

  appliedHash(path: string): string | undefined {
    return this.data.applied[path];
  }

  record(path: string, hash: string): void {
    this.data.applied[path] = hash;
    this.dirty = true;
    if (Date.now() - this.lastWrite > 1000) {
      this.flush().catch(() => {
        this.dirty = true;
      });
    }
  }

  forget(path: string): void {
    if (delete this.data.applied[path]) this.dirty = true;
  }

  /** Write if anything changed (serialised: one write at a time). */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      this.lastWrite = Date.now();
      await writeAtomic(this.path, JSON.stringify(this.data));
    });
    return this.writing;
  }
}
