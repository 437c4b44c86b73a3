/**
 * Turns a TypeBox (JSON Schema) type into a Kubernetes structural schema (JSONSchemaProps):
 * - `Type.Record(String, X)` (patternProperties) becomes `additionalProperties: X`;
 * - a union of string literals becomes `enum`, a lone `const` becomes a one-value `enum`;
 * - TypeBox-only keywords ($id, symbols, additionalProperties:false beside properties) are dropped;
 * - a property with a `default` is not `required` (the API server defaults before it validates, and
 *   a default object must itself validate, so its own defaulted fields cannot be required);
 * - `x-kubernetes-*` extensions pass through unchanged.
 * Pure; the result is plain JSON ready for a CRD's openAPIV3Schema.
 */
export type JsonSchema = { [key: string]: unknown };

const DROPPED = new Set(['$id', '$schema', 'additionalProperties', 'patternProperties', 'const', '$ref']);

function isLiteralUnion(items: unknown[]): items is { const: string | number }[] {
  return items.every((s) => typeof s === 'object' && s !== null && 'const' in s);
}

export function toStructural(input: unknown): JsonSchema {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`schema must be an object, got ${typeof input}`);
  }
  const s = input as JsonSchema;
  const out: JsonSchema = {};

  if (Array.isArray(s.anyOf) && isLiteralUnion(s.anyOf)) {
    const values = s.anyOf.map((x) => x.const);
    out.type = typeof values[0] === 'number' ? 'integer' : 'string';
    out.enum = values;
  } else if ('const' in s) {
    out.type = typeof s.const === 'number' ? 'integer' : 'string';
    out.enum = [s.const];
  }

  for (const [key, value] of Object.entries(s)) {
    if (DROPPED.has(key) || key in out) continue;
    if (key === 'anyOf' && out.enum !== undefined) continue;
    if (key === 'properties') {
      const props: Record<string, JsonSchema> = {};
      for (const [name, sub] of Object.entries(value as Record<string, unknown>)) props[name] = toStructural(sub);
      out.properties = props;
    } else if (key === 'items') {
      out.items = toStructural(value);
    } else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') {
      out[key] = (value as unknown[]).map(toStructural);
    } else {
      out[key] = value;
    }
  }

  if (Array.isArray(out.required) && out.properties !== undefined) {
    const props = out.properties as Record<string, JsonSchema>;
    const required = (out.required as string[]).filter((name) => props[name]?.default === undefined);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }

  // Record<string, X>: TypeBox writes patternProperties; Kubernetes wants additionalProperties.
  if (s.patternProperties !== undefined) {
    const values = Object.values(s.patternProperties as Record<string, unknown>);
    if (values.length !== 1) throw new TypeError('only single-pattern records are supported');
    out.additionalProperties = toStructural(values[0]);
  } else if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null && s.properties === undefined) {
    out.additionalProperties = toStructural(s.additionalProperties);
  }
  return out;
}
