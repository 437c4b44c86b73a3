/**
 * Keys given twice in one mapping. kubectl keeps the last value without a word (src/kube/yaml.ts, ADR 0006),
 * so an object with a repeated key is applied as something its author may not have meant. The scanner reads
 * such an object the same way (last value wins, the object is still assessed) and reports every repeat as an
 * input error at its line. The usual document costs one parse as before: only a document that js-yaml refuses
 * for a repeated key is read again, leniently, and located with the `yaml` package (which lists every repeat,
 * where js-yaml stops at the first).
 */
import { parseDocument } from 'yaml';
import { parseKubeYaml } from '../../../kube/yaml.js';

export interface DuplicateKey {
  /** 1-based line of the repeated key within the parsed text. */
  readonly line: number;
  readonly key: string;
}

export interface ParsedDocument {
  readonly value: unknown;
  readonly duplicates: DuplicateKey[];
}

interface YamlMark {
  readonly reason?: string;
  readonly mark?: { readonly line?: number; readonly position?: number };
}

const isDuplicateKeyError = (err: unknown): boolean => (err as YamlMark | null)?.reason === 'duplicated mapping key';

/** The key text written at `offset` (up to its `:`), unquoted. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset));
  const m = /^"((?:[^"\\]|\\.)*)"|^'((?:[^']|'')*)'|^([^:]*?)[ \t]*:(?:[ \t]|$)/.exec(rest);
  return (m?.[1] ?? m?.[2]?.replace(/''/g, "'") ?? m?.[3] ?? rest).trim();
}

/** Every repeated key of one document, with its line (YAML 1.1 key meanings, as kubectl's reader). */
export function locateDuplicateKeys(text: string): DuplicateKey[] {
  const doc = parseDocument(text, { version: '1.1', prettyErrors: true });
  return doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => ({ line: e.linePos?.[0].line ?? 1, key: keyAt(text, e.pos[0]) }));
}

/**
 * One document as kubectl reads it, and the keys it repeats. Throws as `parseKubeYaml` does when the text
 * is malformed for another reason.
 */
export function parseDocumentWithDuplicates(text: string): ParsedDocument {
  try {
    return { value: parseKubeYaml(text, { uniqueKeys: true }), duplicates: [] };
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const value = parseKubeYaml(text);
    const located = locateDuplicateKeys(text);
    if (located.length > 0) return { value, duplicates: located };
    // The two readers disagree on which keys are equal: keep js-yaml's (kubectl's meaning) first repeat.
    const at = (err as YamlMark).mark;
    return { value, duplicates: [{ line: (at?.line ?? 0) + 1, key: keyAt(text, text.lastIndexOf('\n', (at?.position ?? 1) - 1) + 1) }] };
  }
}

/** The input error for one repeated key. */
export function duplicateKeyMessage(d: DuplicateKey): string {
  return `key "${d.key}" is given twice in the same mapping: the object is still assessed with the last value, as kubectl applies it; remove one of them`;
}
