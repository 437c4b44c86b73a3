import { Type, type TArray, type TSchema, type TObject, type TProperties, type TUnsafe, type ObjectOptions, type TUnion, type TLiteral } from '@sinclair/typebox';

/** A number or a percent string ("25%"), like Kubernetes' IntOrString. */
export function IntOrString(options: Record<string, unknown> = {}): TUnsafe<number | string> {
  return Type.Unsafe<number | string>({
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    ...options,
  });
}

/** map[string]string, e.g. labels. */
export function StringMap(options: Record<string, unknown> = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' }, ...options });
}

/** An object whose content the API server keeps as given (validated by Kubernetes elsewhere). */
export function OpaqueObject<T = Record<string, unknown>>(options: Record<string, unknown> = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...options });
}

/** An RFC 3339 timestamp as Kubernetes writes them. */
export function Timestamp(options: Record<string, unknown> = {}): TUnsafe<string> {
  return Type.Unsafe<string>({ type: 'string', format: 'date-time', ...options });
}

/** Kubernetes labels: bounded so that CEL rules over them stay within the API server's cost budget. */
export function LabelMap(options: Record<string, unknown> = {}): TUnsafe<Record<string, string>> {
  return StringMap({ maxProperties: 64, additionalProperties: { type: 'string', maxLength: 63 }, ...options });
}

/** A metav1.LabelSelector. */
export const LabelSelector = Type.Object({
  matchLabels: Type.Optional(LabelMap()),
  matchExpressions: Type.Optional(
    Type.Array(
      Type.Object({
        key: Type.String({ minLength: 1 }),
        operator: Type.Union([Type.Literal('In'), Type.Literal('NotIn'), Type.Literal('Exists'), Type.Literal('DoesNotExist')]),
        values: Type.Optional(Type.Array(Type.String())),
      }),
    ),
  ),
});

/** A standard metav1.Condition. */
export const Condition = Type.Object({
  type: Type.String({ minLength: 1, maxLength: 316 }),
  status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  lastTransitionTime: Timestamp(),
  reason: Type.String({ maxLength: 1024 }),
  message: Type.String({ maxLength: 32768 }),
});

/** A list whose items are merged by key under server-side apply. */
export function MapList<T extends TSchema>(item: T, key: string, options: Record<string, unknown> = {}): TArray<T> {
  return Type.Array(item, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [key], ...options });
}

/** An object with CEL validation rules (enforced by the API server from Kubernetes 1.25). */
export function Validated<P extends TProperties>(
  properties: P,
  rules: { rule: string; message: string; fieldPath?: string }[],
  options: ObjectOptions = {},
): TObject<P> {
  return Type.Object(properties, { ...options, 'x-kubernetes-validations': rules });
}

/** A string enum: a union of literals (an `enum` in the CRD). */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(values.map((v) => Type.Literal(v as T[number])), options);
}

/** status.conditions: standard conditions merged by type under server-side apply. */
export const Conditions = Type.Array(Condition, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
