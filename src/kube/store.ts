import { indexValues, type IndexFunc } from './indexer.js';
import type { KubeObject } from './resource.js';

interface Index<T> {
  fn: IndexFunc<T>;
  values: Map<string, Set<string>>;
}

/**
 * The informer's cache: objects by `namespace/name`, plus secondary indexes.
 * Objects are stored as given (no copies): callers must treat them as read-only.
 */
export class Store<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();

  constructor(indexers: Readonly<Record<string, IndexFunc<T>>> = {}) {
    for (const [name, fn] of Object.entries(indexers)) this.addIndexer(name, fn);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  entries(): IterableIterator<[string, T]> {
    return this.items.entries();
  }

  list(): T[] {
    return [...this.items.values()];
  }

  /** Insert or replace; returns the previous object. */
  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const index of this.indexes.values()) {
      if (old !== undefined) {
        for (const v of indexValues(index.fn, old)) removeFrom(index.values, v, key);
      }
      for (const v of indexValues(index.fn, obj)) addTo(index.values, v, key);
    }
    return old;
  }

  /** Remove; returns the removed object. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.items.delete(key);
    for (const index of this.indexes.values()) {
      for (const v of indexValues(index.fn, old)) removeFrom(index.values, v, key);
    }
    return old;
  }

  clear(): void {
    this.items.clear();
    for (const index of this.indexes.values()) index.values.clear();
  }

  /** Add an index (built over the current contents). Replaces an index of the same name. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    const index: Index<T> = { fn, values: new Map() };
    for (const [key, obj] of this.items) {
      for (const v of indexValues(fn, obj)) addTo(index.values, v, key);
    }
    this.indexes.set(name, index);
  }

  indexNames(): string[] {
    return [...this.indexes.keys()];
  }

  /** Keys of the objects indexed under `value` in index `name`. */
  indexKeys(name: string, value: string): string[] {
    const set = this.index(name).values.get(value);
    return set ? [...set] : [];
  }

  /** Objects indexed under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    const set = this.index(name).values.get(value);
    if (!set) return [];
    const out: T[] = [];
    for (const key of set) {
      const obj = this.items.get(key);
      if (obj !== undefined) out.push(obj);
    }
    return out;
  }

  /** Every value that currently has objects in index `name`. */
  indexValues(name: string): string[] {
    return [...this.index(name).values.keys()];
  }

  private index(name: string): Index<T> {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`no index named "${name}" (have: ${this.indexNames().join(', ') || 'none'})`);
    return index;
  }
}

function addTo(m: Map<string, Set<string>>, value: string, key: string): void {
  let set = m.get(value);
  if (!set) {
    set = new Set();
    m.set(value, set);
  }
  set.add(key);
}

function removeFrom(m: Map<string, Set<string>>, value: string, key: string): void {
  const set = m.get(value);
  if (!set) return;
  set.delete(key);
  if (set.size === 0) m.delete(value);
}
