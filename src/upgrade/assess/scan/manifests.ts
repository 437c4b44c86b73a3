/**
 * Parse manifest text (multi-document YAML, JSON, `List` kinds) into objects that know their line. Each
 * document is parsed on its own, so a malformed document becomes one error with its file:line and the rest
 * of the file is still read, as kubectl reads it (src/kube/yaml.ts: js-yaml, ~10x faster than the `yaml` package); the items
 * of List documents are located by a scan of the text (./items.ts), the `yaml` package only where that scan fails.
 */
import { LineCounter, parseDocument, isSeq, isMap } from 'yaml';
import { isBlank, lineAt, objectLine, splitDocuments, type Chunk } from './documents.js';
import { duplicateKeyMessage, parseDocumentWithDuplicates } from './duplicates.js';
import { scanItemLines } from './items.js';
import { repairSeparators, typoMessage, typoSeparators } from './separators.js';

export interface ScannedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  /** 1-based line of the object in its file. */
  readonly line: number;
  readonly body: Record<string, unknown>;
  /** Helm's `# Source: chart/templates/x.yaml` comment above the document, when present. */
  readonly template?: string;
}

export interface ScanError {
  readonly line: number;
  readonly message: string;
}

export interface ParsedText {
  readonly objects: ScannedObject[];
  readonly errors: ScanError[];
  /** Documents that are not Kubernetes objects (no apiVersion/kind), e.g. a Helm values file. */
  readonly skipped: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function toScanned(o: Obj, line: number, template: string | undefined): ScannedObject | undefined {
  if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') return undefined;
  const md = isObj(o.metadata) ? o.metadata : {};
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(typeof md.name === 'string' ? { name: md.name } : {}),
    ...(typeof md.namespace === 'string' ? { namespace: md.namespace } : {}),
    line,
    body: o,
    ...(template ? { template } : {}),
  };
}

/** Lines (within `text`) of each element of the top-level `items` sequence, by the `yaml` package (when ./items.ts's scan does not find them). */
function itemLines(text: string): number[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const root = doc.contents;
  if (!isMap(root)) return [];
  const items = root.get('items', true);
  if (!isSeq(items)) return [];
  return items.items.map((n) => {
    const off = (n as { range?: [number, number, number] }).range?.[0] ?? 0;
    return lc.linePos(off).line;
  });
}

function expand(o: Obj, text: string, base: number, template: string | undefined, out: ParsedText): void {
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
    const scanned = scanItemLines(text);
    const lines = scanned?.length === o.items.length ? scanned : itemLines(text);
    o.items.forEach((item, i) => {
      const line = base + (lines[i] ?? 1) - 1;
      const s = isObj(item) ? toScanned(item, line, template) : undefined;
      if (s) out.objects.push(s);
      else out.errors.push({ line, message: `item ${i} of the ${String(o.kind)} is not a Kubernetes object (no apiVersion/kind)` });
    });
    return;
  }
  const s = toScanned(o, base + objectLine(text) - 1, template);
  if (s) out.objects.push(s);
  else (out as { skipped: number }).skipped++;
}

function yamlError(err: unknown): { line: number; message: string } {
  const e = err as { mark?: { line?: number }; reason?: string; message?: string };
  const message = (e.reason ?? e.message ?? String(err)).split('\n')[0]!;
  return { line: (e.mark?.line ?? 0) + 1, message };
}

function parseChunk(chunk: Chunk, out: ParsedText): void {
  if (isBlank(chunk.text)) return;
  const text = chunk.text.startsWith('...') ? chunk.text.replace(/^\.\.\.[^\n]*/, '') : chunk.text;
  const template = /^# Source: (.+)$/m.exec(text)?.[1]?.trim();
  let value: unknown;
  try {
    const parsed = parseDocumentWithDuplicates(text);
    value = parsed.value;
    for (const d of parsed.duplicates) out.errors.push({ line: chunk.startLine + d.line - 1, message: duplicateKeyMessage(d) });
  } catch (err) {
    const { line: at, message } = yamlError(err);
    const line = Math.min(at, lineAt(text.trimEnd(), text.trimEnd().length));
    const hint = text.includes('{{') ? ' (this looks like an unrendered Helm template: render it with `helm template` first)' : '';
    out.errors.push({ line: chunk.startLine + line - 1, message: `malformed YAML: ${message}${hint}` });
    return;
  }
  if (value === null || value === undefined) return;
  if (!isObj(value)) {
    out.errors.push({ line: chunk.startLine + objectLine(text) - 1, message: 'this document is not a mapping, so not a Kubernetes object' });
    return;
  }
  expand(value, text, chunk.startLine, template, out);
}

function jsonErrorLine(text: string, err: unknown): number {
  const m = /position (\d+)/.exec((err as Error).message);
  return m ? lineAt(text, Number(m[1])) : 1;
}

/** Parse one file's (or stdin's) text. `json`: parse as one JSON value. */
export function parseManifestText(text: string, json: boolean): ParsedText {
  const out: ParsedText = { objects: [], errors: [], skipped: 0 };
  if (json) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      out.errors.push({ line: jsonErrorLine(text, err), message: `malformed JSON: ${(err as Error).message}` });
      return out;
    }
    if (isObj(value)) expand(value, text, 1, undefined, out);
    else out.errors.push({ line: 1, message: 'the JSON value is not an object, so not a Kubernetes object' });
    return out;
  }
  const typos = typoSeparators(text);
  for (const t of typos) out.errors.push({ line: t.line, message: typoMessage(t) });
  for (const chunk of splitDocuments(typos.length > 0 ? repairSeparators(text) : text)) parseChunk(chunk, out);
  return out;
}
