import type { Obj } from './types.js';
import { isObj, obj } from './util.js';

const PUF = 'x-kubernetes-preserve-unknown-fields';

/**
 * Make a v1beta1 OpenAPI schema structural, as apiextensions.k8s.io/v1 requires: every node has a type
 * (object when it has properties, array when it has items; other untyped nodes keep any value through
 * x-kubernetes-preserve-unknown-fields), no uniqueItems: true, no properties next to additionalProperties,
 * and the root metadata restricted to its type. Works on (and returns) a copy; notes go to `changes`.
 */
export function structural(schema: Obj, changes: string[], warnings: string[], who: string): Obj {
  let root = walk(structuredClone(schema), 'openAPIV3Schema', changes, warnings, who);
  if (root.type === undefined) {
    root = first(root, 'type', 'object');
    changes.push('openAPIV3Schema.type: object (required at the root)');
  }
  const props = obj(root.properties);
  const md = props ? obj(props.metadata) : undefined;
  if (props && md && Object.keys(md).some((k) => k !== 'type')) {
    props.metadata = { type: 'object' };
    warnings.push(`${who}: openAPIV3Schema.properties.metadata may only say type: object in apiextensions.k8s.io/v1; its other constraints were dropped`);
  }
  return root;
}

/** `node` with `key: value` first (type leads a schema node, as people write it). */
function first(node: Obj, key: string, value: unknown): Obj {
  const { [key]: _old, ...rest } = node;
  return { [key]: value, ...rest };
}

const JUNCTORS = ['anyOf', 'oneOf', 'allOf'] as const;
/** What a structural schema forbids inside anyOf/oneOf/allOf/not (they may only validate values). */
const NOT_IN_JUNCTORS = ['type', 'description', 'default', 'nullable', 'additionalProperties', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource'];

/** Branches of a junctor that state a type. */
function typedBranches(node: Obj): Obj[] {
  return JUNCTORS.flatMap((j) => (Array.isArray(node[j]) ? (node[j] as unknown[]) : [])).filter((b): b is Obj => isObj(b) && b.type !== undefined);
}

/** `anyOf: [{type: integer}, {type: string}]` (either order, oneOf too): the old way to say int-or-string. */
function intOrString(node: Obj): boolean {
  for (const j of ['anyOf', 'oneOf'] as const) {
    const b = node[j];
    if (!Array.isArray(b) || b.length !== 2) continue;
    const types = b.map((x) => (isObj(x) ? x.type : undefined)).sort();
    if (types[0] === 'integer' && types[1] === 'string') return true;
  }
  return false;
}

/** A junctor branch without the keys structural schemas forbid there (recursively). */
function stripJunctor(branch: unknown): unknown {
  if (!isObj(branch)) return branch;
  const out: Obj = {};
  for (const [k, v] of Object.entries(branch)) {
    if (NOT_IN_JUNCTORS.includes(k)) continue;
    if (k === 'properties' && isObj(v)) out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, stripJunctor(pv)]));
    else if (k === 'items' || k === 'not') out[k] = stripJunctor(v);
    else if ((JUNCTORS as readonly string[]).includes(k) && Array.isArray(v)) out[k] = v.map(stripJunctor);
    else out[k] = v;
  }
  return out;
}

/** Junctors under a structural schema: int-or-string becomes its marker; types inside branches are removed. */
function junctors(input: Obj, where: string, changes: string[], warnings: string[], who: string): Obj {
  let node = input;
  if (node.type === undefined && node['x-kubernetes-int-or-string'] === undefined && intOrString(node)) {
    const { anyOf: _a, oneOf: _o, ...rest } = node;
    node = { 'x-kubernetes-int-or-string': true, ...rest, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    changes.push(`${where}: anyOf integer|string -> x-kubernetes-int-or-string: true`);
    return node;
  }
  if (typedBranches(node).length === 0) return node;
  if (node.type === undefined && node['x-kubernetes-int-or-string'] !== true) {
    const rest: Obj = {};
    for (const [k, v] of Object.entries(node)) if (!(JUNCTORS as readonly string[]).includes(k)) rest[k] = v;
    warnings.push(`${who}: ${where} chose its type in ${JUNCTORS.filter((j) => j in node).join('/')}, which structural schemas forbid; the alternatives were removed and it keeps any value — give it one type`);
    return first(rest, PUF, true);
  }
  const out: Obj = { ...node };
  for (const j of JUNCTORS) if (Array.isArray(out[j])) out[j] = (out[j] as unknown[]).map(stripJunctor);
  changes.push(`${where}: types and descriptions removed inside ${JUNCTORS.filter((j) => j in node).join('/')} (structural schema)`);
  return out;
}

function walk(input: Obj, where: string, changes: string[], warnings: string[], who: string): Obj {
  let node = junctors(input, where, changes, warnings, who);
  if (node.properties !== undefined && node.type === undefined) {
    node = first(node, 'type', 'object');
    changes.push(`${where}.type: object (structural schema)`);
  }
  if (node.items !== undefined && node.type === undefined) {
    node = first(node, 'type', 'array');
    changes.push(`${where}.type: array (structural schema)`);
  }
  if (node.type === undefined && node[PUF] !== true && node['x-kubernetes-int-or-string'] !== true) {
    node = first(node, PUF, true);
    warnings.push(`${who}: ${where} has no type; it now keeps any value (${PUF}: true) — give it a type to have it validated`);
  }
  if (node.uniqueItems === true) {
    delete node.uniqueItems;
    warnings.push(`${who}: ${where}.uniqueItems: true is not allowed in apiextensions.k8s.io/v1 and was removed (use x-kubernetes-list-type: set)`);
  }
  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    delete node.additionalProperties;
    warnings.push(`${who}: ${where} had both properties and additionalProperties; apiextensions.k8s.io/v1 forbids that, additionalProperties was removed`);
  }
  const props = obj(node.properties);
  if (props) for (const [k, v] of Object.entries(props)) if (isObj(v)) props[k] = walk(v, `${where}.properties.${k}`, changes, warnings, who);
  if (isObj(node.items)) node.items = walk(node.items, `${where}.items`, changes, warnings, who);
  if (isObj(node.additionalProperties)) node.additionalProperties = walk(node.additionalProperties, `${where}.additionalProperties`, changes, warnings, who);
  return node;
}

/**
 * v1beta1 CRDs kept unknown fields unless preserveUnknownFields was false; v1 prunes them. Mark every
 * object node (but metadata) with x-kubernetes-preserve-unknown-fields: true to keep the old behaviour.
 */
export function keepUnknownFields(schema: Obj): Obj {
  const mark = (input: Obj, isRoot: boolean): Obj => {
    let node: Obj = input;
    if (node.type === 'object' && node.additionalProperties === undefined && node[PUF] === undefined) {
      const { type, ...rest } = node;
      node = { type, [PUF]: true, ...rest };
    }
    const props = obj(node.properties);
    if (props) for (const [k, v] of Object.entries(props)) if (isObj(v) && !(isRoot && k === 'metadata')) props[k] = mark(v, false);
    if (isObj(node.items)) node.items = mark(node.items, false);
    if (isObj(node.additionalProperties)) node.additionalProperties = mark(node.additionalProperties, false);
    return node;
  };
  return mark(schema, true);
}
