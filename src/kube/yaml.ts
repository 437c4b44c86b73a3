/**
 * Kubernetes YAML, read the way kubectl reads it — the one YAML meaning of every Plinth command (ADR 0006).
 *
 * kubectl (and the API server for YAML bodies) turn YAML into JSON with sigs.k8s.io/yaml, which decodes
 * with go-yaml v2 and then marshals JSON. So a plain scalar means what go-yaml v2 resolves it to:
 * - booleans in YAML 1.1's spellings: y/Y/yes/Yes/YES/on/On/ON/true/True/TRUE and n/N/no/…/off/…/false/…
 *   (`enabled: yes` is `true`; a ConfigMap's `data: {a: yes}` is therefore refused, as by kubectl);
 * - nulls: empty, `~`, `null`, `Null`, `NULL`;
 * - integers as Go's `strconv.ParseInt(s, 0, 64)` reads them after removing `_`: `0755` is octal (493),
 *   `0o17`, `0x1F`, `0b101`, `1_000`, `+12`; then floats of the form `1.5`, `.5`, `1e3`, `1.` (a float that
 *   overflows, `1e400`, stays a string); `.inf`/`.nan` cannot become JSON and are an error;
 * - timestamps (`2026-12-01`) and sexagesimal numbers (`1:20`) stay strings;
 * - a key that resolves to a boolean or number becomes its JSON string (`on:` is the key "true");
 * - a key given twice: the last value wins (kubectl does not complain);
 * - merge keys (`<<: *base`) are merged; `!!binary` is decoded to a string.
 * Known differences, all refused by kubectl and read here: a null or collection map key.
 *
 * js-yaml does the parsing, with this resolution as its schema: it reads a 20-line manifest in ~16 µs
 * where the `yaml` package takes ~200 µs (assess reads 100,000 of them, the import 10,000 files).
 * Writing: {@link stringifyKubeYaml} quotes every string any YAML 1.1 or 1.2 reader could take for
 * something else, so a file it writes reads back the same in kubectl, here, and in the `yaml` package.
 */
import jsyaml from 'js-yaml';

const TRUE_11 = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const FALSE_11 = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const INF_NAN = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN']);

/** Go's integer literal syntax for ParseInt with base 0 (underscores already removed). */
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's yamlStyleFloat, for scalars starting with a digit or a sign. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** Scalars starting with '.' go to Go's ParseFloat as they are (no underscores allowed there). */
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function goInt(data: string): bigint | undefined {
  const c = data.charCodeAt(0);
  // go-yaml v2 tries numbers only for plain scalars starting with a digit or a sign.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45)) return undefined;
  const plain = data.replace(/_/g, '');
  if (!GO_INT.test(plain)) return undefined;
  const neg = plain.startsWith('-');
  const body = plain.replace(/^[-+]/, '');
  // A leading 0 is octal in Go (`0755`); BigInt reads 0x/0o/0b itself.
  const digits = /^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body;
  const v = BigInt(digits) * (neg ? -1n : 1n);
  // Beyond int64 ParseUint is tried (no sign allowed there); beyond that it is not an integer.
  if (v < INT64_MIN || v > UINT64_MAX || (v >= 2n ** 63n && plain.startsWith('+'))) return undefined;
  return v;
}

function goFloat(data: string): number | undefined {
  const c = data.charCodeAt(0);
  let f: number;
  if (c === 46) {
    if (!DOT_FLOAT.test(data)) return undefined;
    f = Number(data);
  } else if ((c >= 48 && c <= 57) || c === 43 || c === 45) {
    const plain = data.replace(/_/g, '');
    if (!GO_FLOAT.test(plain)) return undefined;
    f = Number(plain);
  } else {
    return undefined;
  }
  // ParseFloat fails on overflow, and go-yaml then keeps the scalar a string.
  return Number.isFinite(f) ? f : undefined;
}

const nullType = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || NULLS.has(data),
  construct: () => null,
  predicate: (o: unknown) => o === null,
  represent: () => 'null',
  defaultStyle: 'lowercase',
});

const boolType = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (TRUE_11.has(data) || FALSE_11.has(data)),
  construct: (data: string) => TRUE_11.has(data),
  predicate: (o: unknown) => typeof o === 'boolean',
  represent: (o: object) => ((o as unknown as boolean) ? 'true' : 'false'),
});

const intType = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && goInt(data) !== undefined,
  construct: (data: string) => Number(goInt(data)),
  predicate: (o: unknown) => typeof o === 'number' && Number.isInteger(o),
  represent: (o: object) => (o as unknown as number).toString(),
});

const floatType = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (INF_NAN.has(data) || goFloat(data) !== undefined),
  construct: (data: string) => {
    // sigs.k8s.io/yaml refuses them too: "json: unsupported value: +Inf".
    if (INF_NAN.has(data)) throw new jsyaml.YAMLException(`${data} cannot be represented in JSON (Kubernetes refuses it); quote it if it is a string`);
    return goFloat(data);
  },
  predicate: (o: unknown) => typeof o === 'number' && !Number.isInteger(o),
  represent: (o: object) => (o as unknown as number).toString(),
});

/** `<<: *base` merges a mapping into this one (go-yaml and js-yaml's loader both honour the merge tag). */
const mergeType = new jsyaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: string | null) => data === '<<',
});

/** `!!binary`: go-yaml decodes it into the bytes of a string. */
const binaryType = new jsyaml.Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null,
  construct: (data: string) => Buffer.from(data.replace(/\s/g, ''), 'base64').toString('utf8'),
});

/** `!!timestamp`: go-yaml hands a timestamp to an untyped target as the string it was. */
const timestampType = new jsyaml.Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null,
  construct: (data: string) => data,
});

const SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType, mergeType], explicit: [binaryType, timestampType] });

export interface KubeYamlOptions {
  /**
   * Throw on a key given twice in one mapping (a `YAMLException` whose reason is "duplicated mapping key",
   * `mark` at the repeat) instead of keeping the last value as kubectl does: for callers that report it.
   */
  readonly uniqueKeys?: boolean;
}

/** Parses one YAML document as kubectl does. Throws a js-yaml `YAMLException` (with `mark`: line/column) on bad input. */
export function parseKubeYaml(text: string, opts: KubeYamlOptions = {}): unknown {
  return jsyaml.load(text, { schema: SCHEMA, json: opts.uniqueKeys !== true });
}

/** Parses a multi-document stream as kubectl does; empty documents (`---` with nothing after it) are dropped, as kubectl drops them. */
export function parseKubeYamlAll(text: string): unknown[] {
  return jsyaml.loadAll(text, undefined, { schema: SCHEMA, json: true }).filter((d) => d !== null && d !== undefined);
}

const NUMBERISH = /^[-+]?(?:\.?[0-9]|\.(?:inf|Inf|INF|nan|NaN|NAN)$)/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

/**
 * Dump-only: a "type" that claims every plain scalar some YAML 1.1 or 1.2 reader might not read as a string,
 * so that the dumper quotes it: booleans and nulls in all spellings, anything that starts like a number
 * once `_` is removed (`+_1` is 1 to go-yaml), timestamps, `<<` and `=`.
 */
const ambiguous = new jsyaml.Type('tag:plinth.dev,2026:ambiguous-in-yaml', {
  kind: 'scalar',
  resolve: (data: string | null) =>
    data !== null && (TRUE_11.has(data) || FALSE_11.has(data) || NULLS.has(data) || NUMBERISH.test(data.replace(/_/g, '')) || TIMESTAMP.test(data) || data === '<<' || data === '='),
  construct: (data: string) => data,
  predicate: () => false,
});

const DUMP_SCHEMA = SCHEMA.extend({ implicit: [ambiguous] });

/** An object as YAML text (block style, no line folding, no anchors) that every YAML reader reads back as the same object. */
export function stringifyKubeYaml(obj: unknown): string {
  return jsyaml.dump(obj, { schema: DUMP_SCHEMA, lineWidth: -1, noRefs: true });
}
