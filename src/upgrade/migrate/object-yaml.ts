/**
 * Reading the object files of an export fast. The files are written by the `yaml` package as YAML 1.1
 * (strings that YAML 1.1 would read as something else are quoted), which is how Kubernetes reads YAML.
 * The import reads 10,000 of them before it applies anything, and the `yaml` package takes ~0.2–0.7 ms
 * per object where js-yaml takes a tenth of that (ADR 0006 measured the same for assess). js-yaml reads
 * YAML 1.2, so its core schema is given YAML 1.1's booleans (yes/no/on/off/y/n in their three spellings)
 * for files a person edited; timestamps stay strings, as Kubernetes keeps them.
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

/** Parses one exported object file (one YAML document). Throws with js-yaml's line and column on bad input. */
export function parseObjectYaml(text: string): unknown {
  return jsyaml.load(text, { schema: SCHEMA });
}
