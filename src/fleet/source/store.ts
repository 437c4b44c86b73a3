// The hub's artifact store: content-addressed files `<dataDir>/fleet/artifacts/sha256/<hex>`, written atomically,
// and an index digest → {namespace, source, commit, path} so that an artifact lost from disk can be rendered
// again from Git. Keeps what is still referenced plus the newest KEEP_PER_PATH per source and path.
import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../../kube/atomic-file.js';
import type { ArtifactReader } from '../artifact.js';
import { artifactDigest } from '../names.js';

export const KEEP_PER_PATH = 10;
const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** Where an artifact came from: enough to render it again. */
export interface ArtifactOrigin {
  namespace: string;
  source: string;
  commit: string;
  /** The delivery's path (relative to the GitSource's spec.path), as in GitSource status.artifacts[].path. */
  path: string;
}

export interface IndexEntry extends ArtifactOrigin {
  /** When it was stored (ms since the epoch): the order "newest 10" means. */
  storedAt: number;
}

/** Renders an artifact again from its origin (the controller provides it); resolves to its bytes. */
export type Rerender = (origin: ArtifactOrigin) => Promise<Buffer>;

/** Which stored digests to delete: not referenced and not among the newest `keep` of their source and path. */
export function collectable(index: ReadonlyMap<string, IndexEntry>, referenced: ReadonlySet<string>, keep = KEEP_PER_PATH): string[] {
  const groups = new Map<string, Array<[string, IndexEntry]>>();
  for (const [digest, e] of index) {
    const g = `${e.namespace}/${e.source}/${e.path}`;
    const list = groups.get(g) ?? [];
    list.push([digest, e]);
    groups.set(g, list);
  }
  const out: string[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => b[1].storedAt - a[1].storedAt);
    for (const [digest] of list.slice(keep)) if (!referenced.has(digest)) out.push(digest);
  }
  return out.sort();
}

export class ArtifactStore implements ArtifactReader {
  readonly root: string;
  private index = new Map<string, IndexEntry>();
  private loaded: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private rerender: Rerender | undefined;
  private readonly puts = new Map<string, Promise<unknown>>();

  constructor(dataDir: string) {
    this.root = join(dataDir, 'fleet', 'artifacts');
  }

  /** The file of a digest, or undefined for anything that is not `sha256:` + 64 hex digits. */
  file(digest: string): string | undefined {
    const m = DIGEST.exec(digest);
    return m ? join(this.root, 'sha256', m[1]!) : undefined;
  }

  /** Tells the store how to render a missing artifact again (the GitSource controller does). */
  setRerender(fn: Rerender): void {
    this.rerender = fn;
  }

  /** Stores bytes under their digest (once) and records their origin; returns the digest. */
  async put(bytes: Buffer, origin: ArtifactOrigin, now = Date.now()): Promise<string> {
    await this.load();
    const digest = artifactDigest(bytes);
    // One writer per digest: two sources rendering the same content write one file.
    const prevPut = this.puts.get(digest) ?? Promise.resolve();
    const mine = prevPut.then(() => this.putLocked(digest, bytes, origin, now));
    const tail = mine.catch(() => undefined);
    this.puts.set(digest, tail);
    try {
      return await mine;
    } finally {
      if (this.puts.get(digest) === tail) this.puts.delete(digest);
    }
  }

  private async putLocked(digest: string, bytes: Buffer, origin: ArtifactOrigin, now: number): Promise<string> {
    const file = this.file(digest)!;
    if ((await this.readFile(file, digest)) === undefined) {
      await mkdir(join(this.root, 'sha256'), { recursive: true });
      await writeAtomic(file, bytes);
    }
    const prev = this.index.get(digest);
    if (!prev || prev.namespace !== origin.namespace || prev.source !== origin.source || prev.path !== origin.path || prev.commit !== origin.commit) {
      this.index.set(digest, { ...origin, storedAt: now });
      await this.saveIndex();
    }
    return digest;
  }

  /** The bytes of a digest when they are on disk and intact. */
  async read(digest: string): Promise<Buffer | undefined> {
    const file = this.file(digest);
    return file ? this.readFile(file, digest) : undefined;
  }

  /** Is the digest's file on disk? (Cheap: `read` is what verifies the bytes.) */
  async has(digest: string): Promise<boolean> {
    const file = this.file(digest);
    if (!file) return false;
    try {
      await access(file);
      return true;
    } catch {
      return false;
    }
  }

  /** Where a digest came from, per the index. */
  async origin(digest: string): Promise<IndexEntry | undefined> {
    await this.load();
    return this.index.get(digest);
  }

  /** The bytes of a digest, rendered again from Git by its index entry when they are missing. */
  async ensure(digest: string): Promise<Buffer | undefined> {
    const have = await this.read(digest);
    if (have) return have;
    const origin = await this.origin(digest);
    if (!origin || !this.rerender) return undefined;
    const bytes = await this.rerender(origin);
    if (artifactDigest(bytes) !== digest) return undefined;
    await this.put(bytes, origin, origin.storedAt);
    return bytes;
  }

  /** Deletes what `collectable` picks; returns the deleted digests. */
  async gc(referenced: ReadonlySet<string>): Promise<string[]> {
    await this.load();
    const gone = collectable(this.index, referenced);
    for (const d of gone) {
      await rm(this.file(d)!, { force: true });
      this.index.delete(d);
    }
    if (gone.length > 0) await this.saveIndex();
    return gone;
  }

  private async readFile(file: string, digest: string): Promise<Buffer | undefined> {
    try {
      const bytes = await readFile(file);
      // A damaged file is as good as missing: ensure() renders it again.
      return artifactDigest(bytes) === digest ? bytes : undefined;
    } catch {
      return undefined;
    }
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      try {
        const raw = JSON.parse(await readFile(join(this.root, 'index.json'), 'utf8')) as Record<string, IndexEntry>;
        this.index = new Map(Object.entries(raw).filter(([d]) => DIGEST.test(d)));
      } catch {
        this.index = new Map();
      }
    })();
    return this.loaded;
  }

  private saveIndex(): Promise<void> {
    const write = async (): Promise<void> => {
      await mkdir(this.root, { recursive: true });
      await writeAtomic(join(this.root, 'index.json'), JSON.stringify(Object.fromEntries(this.index)));
    };
    this.writing = this.writing.then(write, write);
    return this.writing;
  }
}
