import { realClock, type Clock } from './clock.js';
import type { EventHandlers } from './informer.js';
import type { KubeObject } from './resource.js';

interface Record_ {
  adds: number;
  dels: number;
  delUids: Set<string>;
  /** uid → resourceVersion the informer must show before the controller acts again. */
  versions: Map<string, string>;
  setAt: number;
}

/**
 * What a controller is still waiting to see in its informer cache before it acts on a key again,
 * like client-go's ControllerExpectations (counts of creations/deletions, or specific deleted
 * UIDs) plus per-object versions (after an update, wait until the cache shows that
 * resourceVersion). A key is satisfied when everything was observed, or when the expectations
 * are older than `timeoutMs` (a missed event must not wedge the controller forever).
 * resourceVersions are compared for equality only.
 */
export class Expectations {
  private readonly records = new Map<string, Record_>();
  private readonly uidToKeys = new Map<string, Set<string>>();
  private readonly clock: Clock;
  private readonly timeoutMs: number;

  constructor(opts: { timeoutMs?: number; clock?: Clock } = {}) {
    this.clock = opts.clock ?? realClock;
    this.timeoutMs = opts.timeoutMs ?? 5 * 60_000;
  }

  /** Expect `n` more creations for `key` (observed via `creationObserved`). */
  expectCreations(key: string, n: number): void {
    this.record(key).adds += n;
  }

  /** Expect `n` more deletions, or the deletion of these specific UIDs. */
  expectDeletions(key: string, what: number | readonly string[]): void {
    const r = this.record(key);
    if (typeof what === 'number') {
      r.dels += what;
      return;
    }
    for (const uid of what) {
      r.delUids.add(uid);
      this.link(uid, key);
    }
  }

  /** Expect the cache to show object `uid` at exactly `resourceVersion` (e.g. the result of a write). */
  expectVersion(key: string, obj: { uid: string; resourceVersion: string }): void {
    this.record(key).versions.set(obj.uid, obj.resourceVersion);
    this.link(obj.uid, key);
  }

  /** Convenience for `expectVersion` with the object returned by a write. */
  expectObject(key: string, written: KubeObject): void {
    const uid = written.metadata?.uid;
    const rv = written.metadata?.resourceVersion;
    if (uid && rv) this.expectVersion(key, { uid, resourceVersion: rv });
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r && r.adds > 0) r.adds--;
    this.cleanup(key);
  }

  deletionObserved(key: string, uid?: string): void {
    const r = this.records.get(key);
    if (!r) return;
    if (uid !== undefined && r.delUids.delete(uid)) {
      this.unlink(uid, key);
    } else if (r.dels > 0) {
      r.dels--;
    }
    this.cleanup(key);
  }

  /** Feed every object the informer delivers (add/update): satisfies matching version expectations. */
  observe(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const keys = this.uidToKeys.get(uid);
    if (!keys) return;
    for (const key of [...keys]) {
      const r = this.records.get(key);
      if (r && r.versions.get(uid) === obj.metadata?.resourceVersion) {
        r.versions.delete(uid);
        if (!r.delUids.has(uid)) this.unlink(uid, key);
        this.cleanup(key);
      }
    }
  }

  /** Feed deletions: an object that is gone satisfies its version and UID-deletion expectations. */
  observeDeleted(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const keys = this.uidToKeys.get(uid);
    if (!keys) return;
    for (const key of [...keys]) {
      const r = this.records.get(key);
      if (!r) continue;
      r.versions.delete(uid);
      r.delUids.delete(uid);
      this.unlink(uid, key);
      this.cleanup(key);
    }
  }

  /** True when nothing is pending for `key` (or what is pending has timed out, which clears it). */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (isEmpty(r)) {
      this.delete(key);
      return true;
    }
    if (this.clock.now() - r.setAt >= this.timeoutMs) {
      this.delete(key);
      return true;
    }
    return false;
  }

  /** What is still pending for `key` (for logs), or undefined. */
  pending(key: string): { adds: number; dels: number; uids: string[]; versions: Record<string, string> } | undefined {
    const r = this.records.get(key);
    if (!r) return undefined;
    return { adds: r.adds, dels: r.dels, uids: [...r.delUids], versions: Object.fromEntries(r.versions) };
  }

  /** Drop all expectations for `key` (e.g. when the controller's object is deleted). */
  delete(key: string): void {
    const r = this.records.get(key);
    if (!r) return;
    for (const uid of r.delUids) this.unlink(uid, key);
    for (const uid of r.versions.keys()) this.unlink(uid, key);
    this.records.delete(key);
  }

  /**
   * Informer handlers that feed these expectations for child objects. `ownerKey` maps a child
   * to the key of the controller object that expects it (e.g. its owner's namespace/name).
   */
  handlers(ownerKey: (obj: KubeObject) => string | undefined): EventHandlers<KubeObject> {
    return {
      onAdd: (obj) => {
        const key = ownerKey(obj);
        if (key !== undefined) this.creationObserved(key);
        this.observe(obj);
      },
      onUpdate: (_old, obj) => this.observe(obj),
      onDelete: (obj) => {
        const key = ownerKey(obj);
        if (key !== undefined) this.deletionObserved(key, obj.metadata?.uid);
        this.observeDeleted(obj);
      },
    };
  }

  private record(key: string): Record_ {
    let r = this.records.get(key);
    if (!r) {
      r = { adds: 0, dels: 0, delUids: new Set(), versions: new Map(), setAt: 0 };
      this.records.set(key, r);
    }
    r.setAt = this.clock.now();
    return r;
  }

  private cleanup(key: string): void {
    const r = this.records.get(key);
    if (r && isEmpty(r)) this.delete(key);
  }

  private link(uid: string, key: string): void {
    let keys = this.uidToKeys.get(uid);
    if (!keys) {
      keys = new Set();
      this.uidToKeys.set(uid, keys);
    }
    keys.add(key);
  }

  private unlink(uid: string, key: string): void {
    const keys = this.uidToKeys.get(uid);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.uidToKeys.delete(uid);
  }
}

function isEmpty(r: Record_): boolean {
  return r.adds <= 0 && r.dels <= 0 && r.delUids.size === 0 && r.versions.size === 0;
}
