import { isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { deepEqual, isObj } from './util.js';

type Doc = Document.Parsed | Document;

/** Renames the converters make (old>new): the pair, its comments and its value's nodes are kept. */
const RENAMES = new Set([
  'backend>defaultBackend',
  'serviceName>service',
  'JSONPath>jsonPath',
  'assuredConcurrencyShares>nominalConcurrencyShares',
  'group>groups',
  'webhookClientConfig>webhook',
  'topology>nodeName',
  'version>versions',
  'validation>versions',
]);

function keyOf(pair: Pair): string {
  const k = pair.key;
  return isScalar(k) ? String(k.value) : String(k);
}

/**
 * Change the YAML node `node`, which holds `before`, so that it holds `after`, touching only what
 * differs: unchanged subtrees keep their nodes (comments, quoting, anchors), changed scalars keep their
 * comments, and a key renamed at the same position (backend -> defaultBackend, JSONPath -> jsonPath)
 * keeps its pair, its comments and as much of its value as survived. Key order follows `after`.
 */
export function patchNode(doc: Doc, node: unknown, before: unknown, after: unknown): unknown {
  if (deepEqual(before, after)) return node;
  if (isMap(node) && isObj(before) && isObj(after)) {
    const old = node.items;
    const byKey = new Map(old.map((p) => [keyOf(p), p] as const));
    const removedAt = new Map<number, Pair>();
    old.forEach((p, i) => {
      if (!(keyOf(p) in after)) removedAt.set(i, p);
    });
    node.items = Object.entries(after).map(([k, v], i): Pair => {
      const kept = byKey.get(k);
      if (kept) {
        kept.value = patchNode(doc, kept.value, before[k], v);
        return kept;
      }
      const renamed = removedAt.get(i);
      const oldKey = renamed ? keyOf(renamed) : '';
      if (renamed && RENAMES.has(`${oldKey}>${k}`)) {
        removedAt.delete(i);
        if (isScalar(renamed.key)) renamed.key.value = k;
        else renamed.key = doc.createNode(k);
        renamed.value = patchNode(doc, renamed.value, before[oldKey], v);
        return renamed;
      }
      if (typeof v === 'object' && v !== null) node.flow = false; // a flow map gaining a nested value reads better as a block
      return doc.createPair(k, v);
    });
    return node;
  }
  if (isSeq(node) && Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    node.items = node.items.map((item, i) => patchNode(doc, item, before[i], after[i]));
    return node;
  }
  if (isScalar(node) && !isObj(after) && !Array.isArray(after) && !isObj(before) && !Array.isArray(before)) {
    node.value = after;
    return node;
  }
  const created = doc.createNode(after) as Node;
  const prev = node as Partial<Node> | undefined;
  if (prev?.commentBefore) created.commentBefore = prev.commentBefore;
  if (prev?.comment) {
    // a scalar that became a map (serviceName: x # note -> service: {name: x}): the note stays on the first value
    const first = isMap(created) ? (created.items[0])?.value : undefined;
    if (isScalar(first)) first.comment = prev.comment;
    else created.comment = prev.comment;
  }
  return created;
}
