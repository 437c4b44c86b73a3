/**
 * Writing and reading the object files of an export fast. An export writes 10,000 of them and the
 * import reads them all before it applies anything; the `yaml` package takes ~0.2–0.7 ms per object
 * each way where js-yaml takes a sixth to a tenth of that (ADR 0006 measured the same for assess).
 *
 * Reading: js-yaml reads YAML 1.2, so its core schema is given YAML 1.1's booleans (yes/no/on/off/y/n in
 * their three spellings) for files a person edited; timestamps stay strings, as Kubernetes keeps them.
 *
 * Writing: the files must read back the same in any YAML 1.1 or 1.2 reader (kubectl's is YAML 1.1-ish).
 * js-yaml quotes a string whenever a type of the schema it dumps with would resolve it, so the dump
 * schema adds one type that claims every plain scalar some YAML 1.1 reader could take for a non-string:
 * booleans and nulls in all spellings, anything that starts like a number (octal 0755, sexagesimal
 * 1:20, 1e3, 1_000, .5, .inf, .nan), timestamps, `<<` and `=`. Quoting a few strings more than needed
 * is harmless; quoting one too few is not.
 */
import jsyaml from 'js-yaml';

const TRUE_11 = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const FALSE_11 = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);

const bool11 = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (TRUE_11.has(data) || FALSE_11.has(data)),
  construct: (data: string) => TRUE_11.has(data),
  predicate: (o: unknown) => typeof o === 'boolean',
  represent: (o: object) => ((o as unknown as boolean) ? 'true' : 'false'),
});

const SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [bool11] });

const NULL_11 = new Set(['~', 'null', 'Null', 'NULL', '']);
const NUMBERISH = /^[-+]?(?:\.?[0-9]|\.(?:inf|Inf|INF|nan|NaN|NAN)$)/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

/** Dump-only: a "type" that claims every string a YAML 1.1 reader might not read as a string, so it is quoted. */
const ambiguous11 = new jsyaml.Type('tag:plinth.dev,2026:ambiguous-in-yaml-1.1', {
  kind: 'scalar',
  resolve: (data: string | null) =>
    data !== null && (TRUE_11.has(data) || FALSE_11.has(data) || NULL_11.has(data) || NUMBERISH.test(data) || TIMESTAMP.test(data) || data === '<<' || data === '='),
  construct: (data: string) => data,
  predicate: () => false,
});

const DUMP_SCHEMA = SCHEMA.extend({ implicit: [ambiguous11] });

/** One object as the text of its export file (block style, no line folding, no anchors). */
export function stringifyObjectYaml(obj: unknown): string {
  return jsyaml.dump(obj, { schema: DUMP_SCHEMA, lineWidth: -1, noRefs: true });
}

/** Parses one exported object file (one YAML document). Throws with js-yaml's line and column on bad input. */
export function parseObjectYaml(text: string): unknown {
  return jsyaml.load(text, { schema: SCHEMA });
}
