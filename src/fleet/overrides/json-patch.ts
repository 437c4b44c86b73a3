// RFC 6902 JSON Patch over plain JSON values (RFC 6901 pointers), for the fleet's `patches` overrides.

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** Why one operation could not be applied (the caller names the object). */
export class JsonPatchError extends Error {
  constructor(
    readonly index: number,
    readonly operation: JsonPatchOp,
    detail: string,
  ) {
    super(`op ${index} (${operation.op} ${operation.path}${operation.from !== undefined ? ` from ${operation.from}` : ''}): ${detail}`);
    this.name = 'JsonPatchError';
  }
}

/** RFC 6901: "" is the whole document; "/a/b~1c/~0d" is ['a', 'b/c', '~d']. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON pointer (it must start with "/")`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`"${token}" is not an array index`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new Error(`index ${i} is out of bounds (length ${arr.length})`);
  return i;
}

/** The container holding the last token, walking through existing members only. */
function parentOf(doc: unknown, tokens: string[]): { parent: Container; key: string } {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)];
    else if (isContainer(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = (cur as Record<string, unknown>)[t];
    else throw new Error(`path /${tokens.slice(0, i + 1).join('/')} does not exist`);
  }
  if (!isContainer(cur)) throw new Error(`path /${tokens.slice(0, -1).join('/')} is not an object or array`);
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function get(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false)];
  if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new Error(`path ${pointer} does not exist`);
  return parent[key];
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, pointer: string): { doc: unknown; removed: unknown } {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new Error('cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) {
    const [removed] = parent.splice(arrayIndex(parent, key, false), 1);
    return { doc, removed };
  }
  if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new Error(`path ${pointer} does not exist`);
  const removed = parent[key];
  delete parent[key];
  return { doc, removed };
}

function replace(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  get(doc, pointer);
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent[arrayIndex(parent, key, false)] = value;
  else parent[key] = value;
  return doc;
}

/** Deep JSON equality (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ka.length === Object.keys(bo).length && ka.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(a[k], bo[k]));
}

/**
 * Apply `ops` in order to a deep copy of `doc` and return the result; `doc` is left alone. A failing
 * `test`, a missing path or a bad pointer throws JsonPatchError naming the operation.
 */
export function applyJsonPatch<T>(doc: T, ops: readonly JsonPatchOp[]): T {
  let out: unknown = structuredClone(doc);
  ops.forEach((op, i) => {
    try {
      switch (op.op) {
        case 'add':
          out = add(out, op.path, structuredClone(op.value));
          break;
        case 'remove':
          out = remove(out, op.path).doc;
          break;
        case 'replace':
          out = replace(out, op.path, structuredClone(op.value));
          break;
        case 'move': {
          if (op.from === undefined) throw new Error('"from" is required');
          if (op.path.startsWith(`${op.from}/`)) throw new Error('cannot move a value into one of its children');
          const r = remove(out, op.from);
          out = add(r.doc, op.path, r.removed);
          break;
        }
        case 'copy':
          if (op.from === undefined) throw new Error('"from" is required');
          out = add(out, op.path, structuredClone(get(out, op.from)));
          break;
        case 'test':
          if (!jsonEqual(get(out, op.path), op.value)) throw new Error(`value is ${JSON.stringify(get(out, op.path))}, not ${JSON.stringify(op.value)}`);
          break;
        default:
          throw new Error(`unknown op "${String((op as { op: unknown }).op)}"`);
      }
    } catch (err) {
      if (err instanceof JsonPatchError) throw err;
      throw new JsonPatchError(i, op, err instanceof Error ? err.message : String(err));
    }
  });
  return out as T;
}
