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
  const root = walk(structuredClone(schema), 'openAPIV3Schema', changes, warnings, who);
  if (root.type === undefined) {
    root.type = 'object';
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

function walk(node: Obj, where: string, changes: string[], warnings: string[], who: string): Obj {
  if (node.properties !== undefined && node.type === undefined) {
    node.type = 'object';
    changes.push(`${where}.type: object (structural schema)`);
  }
  if (node.items !== undefined && node.type === undefined) {
    node.type = 'array';
    changes.push(`${where}.type: array (structural schema)`);
  }
  if (node.type === undefined && node[PUF] !== true && node['x-kubernetes-int-or-string'] !== true) {
    node[PUF] = true;
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
  const mark = (node: Obj, isRoot: boolean): void => {
    if (node.type === 'object' && node.additionalProperties === undefined) node[PUF] = true;
    const props = obj(node.properties);
    if (props) for (const [k, v] of Object.entries(props)) if (isObj(v) && !(isRoot && k === 'metadata')) mark(v, false);
    if (isObj(node.items)) mark(node.items, false);
    if (isObj(node.additionalProperties)) mark(node.additionalProperties, false);
  };
  mark(schema, true);
  return schema;
}
