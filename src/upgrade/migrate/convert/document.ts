import { Document, LineCounter, isSeq, parseAllDocuments, parseDocument, type ToStringOptions } from 'yaml';
import { PlinthError } from '../../../errors/index.js';
import { convertObject, type ConvertResult } from './index.js';
import { patchNode } from './yaml-patch.js';
import { arr, deepEqual, identity, isObj } from './util.js';

/** A warning about one object, with the line (1-based) its document or list item starts on. */
export interface LocatedWarning {
  readonly line: number;
  readonly message: string;
}

/** The outcome of converting one manifest file's text. */
export interface ConvertTextResult {
  /** The converted text (the input itself, byte for byte, when nothing had to change). */
  readonly text: string;
  readonly warnings: LocatedWarning[];
  /** Every field change made, as `Kind namespace/name: change`, at the object's line. */
  readonly changes: LocatedWarning[];
  /** Objects seen, converted to another apiVersion, and left out. */
  readonly objects: number;
  readonly converted: number;
  readonly leftOut: number;
}

interface Tally {
  objects: number;
  converted: number;
  leftOut: number;
  warnings: LocatedWarning[];
  changes: LocatedWarning[];
}

/** `kind: List` or `FooList` with items[]: converted item by item. */
function isList(v: unknown): v is { items: unknown[] } & Record<string, unknown> {
  return isObj(v) && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}

function isManifest(v: unknown): v is Record<string, unknown> {
  return isObj(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string';
}

/** The comment that replaces an object left out. */
export function leftOutComment(original: Record<string, unknown>, r: ConvertResult): string {
  const why = r.warnings.find((w) => w.includes('left out')) ?? 'not served at the target';
  return ` plinth upgrade convert: ${r.from} ${identity(original)} was left out — ${why.replace(/^.*? left out: /, '')}`;
}

function record(t: Tally, r: ConvertResult, line: number): void {
  t.objects++;
  if (r.object === null) t.leftOut++;
  else if (r.to !== r.from) t.converted++;
  for (const w of r.warnings) t.warnings.push({ line, message: w });
  for (const c of r.changes) t.changes.push({ line, message: `${identity(r.object ?? {})}: ${c}` });
}

/** Indentation and sequence style of the source, so rewritten documents look like their neighbours. */
function styleOf(text: string): ToStringOptions {
  const indent = /^[^\s#][^\n]*:[ \t]*\n( +)[^\s-]/m.exec(text)?.[1]?.length ?? 2;
  const indentSeq = !/^( *)[^\s#-][^\n]*:[ \t]*\n\1- /m.test(text);
  return { lineWidth: 0, indent: indent >= 1 && indent <= 8 ? indent : 2, indentSeq, flowCollectionPadding: false };
}

/**
 * Convert a multi-document YAML text for a server of minor `targetMinor`, keeping comments, key order
 * and formatting of everything that does not change: untouched documents are copied byte for byte and
 * converted ones have only their changed nodes rewritten. A document left out becomes a comment saying
 * what was removed and why. `file` names the input in errors (a syntax error is UPGRADE_CONVERT_BAD_MANIFEST
 * with the line).
 */
export function convertYamlText(text: string, targetMinor: number, file: string): ConvertTextResult {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: true, merge: true });
  const style = styleOf(text);
  const t: Tally = { objects: 0, converted: 0, leftOut: 0, warnings: [], changes: [] };
  const lineAt = (offset: number | undefined): number => lc.linePos(offset ?? 0).line;
  const parts: string[] = [];
  let prevEnd = 0;
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lineAt(err.pos[0]);
      throw new PlinthError('UPGRADE_CONVERT_BAD_MANIFEST', { file, line, detail: firstLine(err.message) });
    }
    let changed: Outcome;
    try {
      changed = convertDocument(doc, targetMinor, t, lineAt);
    } catch (err) {
      if (err instanceof PlinthError) throw err;
      // e.g. an alias to an anchor of another document, a merge of a scalar
      throw new PlinthError('UPGRADE_CONVERT_BAD_MANIFEST', { file, line: lineAt(doc.contents?.range[0]), detail: firstLine((err as Error).message) }, { cause: err });
    }
    const end = doc.range[2];
    const start = doc.directives?.docStart === true ? '---\n' : '';
    if (changed === false) parts.push(text.slice(prevEnd, end));
    else if ('leftOut' in changed) parts.push(`${start}${commentLines(changed.leftOut)}`);
    else parts.push(render(doc, changed.object, style, start, t, lineAt(doc.contents?.range[0]), USES_ANCHORS.test(text.slice(prevEnd, end))));
    prevEnd = end;
  }
  parts.push(text.slice(prevEnd));
  return { text: parts.join(''), ...t };
}

/** Anchors (`&a`), aliases (`*a`) or merge keys (`<<:`) in a document's source: its patch is checked. */
const USES_ANCHORS = /(^|[\s[{,:-])[&*][^\s,\]}]|<<\s*:/m;

/**
 * The patched document as text, checked (when it uses anchors): it must parse back to exactly the converted object. When it does
 * not (an alias to an anchor whose node changed, a merge key), the document is written afresh from the
 * object — correct, but without its inner comments — and a warning says so.
 */
function render(doc: Document.Parsed, expected: unknown, style: ToStringOptions, start: string, t: Tally, line: number, check: boolean): string {
  try {
    const out = doc.toString(style);
    if (!check || deepEqual(parseDocument(out, { merge: true }).toJS({ maxAliasCount: -1 }), expected)) return out;
  } catch {
    // fall through: write it afresh
  }
  const fresh = new Document(expected, { aliasDuplicateObjects: false });
  const lead = leadingComment(doc);
  if (lead && fresh.contents) (fresh.contents as { commentBefore?: string | null }).commentBefore = lead;
  t.warnings.push({ line, message: 'this document uses anchors, aliases or merge keys that the conversion touched; it was written out in full (its inner comments are lost)' });
  return `${start}${fresh.toString(style)}`;
}

/** The comment above a document's first line (the parser hangs it on the document, its map or its first key). */
function leadingComment(doc: Document.Parsed): string | null {
  const contents = doc.contents as { commentBefore?: string | null; items?: { key?: { commentBefore?: string | null } }[] } | null;
  return doc.commentBefore ?? contents?.commentBefore ?? contents?.items?.[0]?.key?.commentBefore ?? null;
}

function commentLines(c: string): string {
  return c
    .split('\n')
    .map((l) => `#${l}\n`)
    .join('');
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** What became of a document: unchanged, converted in place (to this object), or left out (this comment instead). */
type Outcome = false | { readonly object: unknown } | { readonly leftOut: string };

/** Convert one document in place. */
function convertDocument(doc: Document.Parsed, targetMinor: number, t: Tally, lineAt: (o: number | undefined) => number): Outcome {
  const js: unknown = doc.toJS({ maxAliasCount: -1 });
  const line = lineAt(doc.contents?.range[0]);
  if (isList(js)) {
    const itemsNode = (doc.contents as { get?: (k: string, keep: boolean) => unknown } | null)?.get?.('items', true);
    if (!isSeq(itemsNode)) return false;
    let changed = false;
    const kept: unknown[] = [];
    const keptNodes: unknown[] = [];
    const notes: string[] = [];
    js.items.forEach((item, i) => {
      const node = itemsNode.items[i] as { range?: [number, number, number]; commentBefore?: string | null } | undefined;
      if (!isManifest(item)) {
        kept.push(item);
        keptNodes.push(node);
        return;
      }
      const r = convertObject(item, targetMinor);
      record(t, r, lineAt(node?.range?.[0]));
      if (r.object === null) {
        notes.push(leftOutComment(item, r));
        changed = true;
        return;
      }
      let out: unknown = node;
      if (r.object !== item) {
        out = patchNode(doc, node, item, r.object);
        changed = true;
      }
      if (notes.length > 0 && out && typeof out === 'object') {
        const n = out as { commentBefore?: string | null };
        n.commentBefore = [...notes, ...(n.commentBefore ? [n.commentBefore] : [])].join('\n');
        notes.length = 0;
      }
      kept.push(r.object);
      keptNodes.push(out);
    });
    if (!changed) return false;
    itemsNode.items = keptNodes;
    if (notes.length > 0) itemsNode.comment = [itemsNode.comment, ...notes].filter(Boolean).join('\n');
    return { object: { ...js, items: kept } };
  }
  if (!isManifest(js)) return false;
  const r = convertObject(js, targetMinor);
  record(t, r, line);
  if (r.object === null) return { leftOut: leftOutComment(js, r) };
  if (r.object === js) return false;
  doc.contents = patchNode(doc, doc.contents, js, r.object) as typeof doc.contents;
  return { object: r.object };
}

/**
 * Convert a JSON manifest (one object or a List). Key order is kept; an object left out leaves an empty
 * List in its place (JSON has no comments; the warning names it).
 */
export function convertJsonText(text: string, targetMinor: number, file: string): ConvertTextResult {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : 1;
    throw new PlinthError('UPGRADE_CONVERT_BAD_MANIFEST', { file, line, detail: firstLine((err as Error).message) }, { cause: err });
  }
  const t: Tally = { objects: 0, converted: 0, leftOut: 0, warnings: [], changes: [] };
  let out: unknown = js;
  const startLine = text.slice(0, text.search(/\S|$/)).split('\n').length;
  if (isList(js)) {
    const lines = jsonItemLines(text);
    const items = arr(js.items).flatMap((item, i) => {
      if (!isManifest(item)) return [item];
      const r = convertObject(item, targetMinor);
      record(t, r, lines[i] ?? startLine);
      return r.object === null ? [] : [r.object];
    });
    out = { ...js, items };
  } else if (isManifest(js)) {
    const r = convertObject(js, targetMinor);
    record(t, r, startLine);
    out = r.object ?? { apiVersion: 'v1', kind: 'List', items: [] };
  }
  if (t.converted === 0 && t.leftOut === 0) return { text, ...t };
  const indent = /^\{\s*\n(\s+)"/.exec(text)?.[1]?.length ?? 2;
  return { text: JSON.stringify(out, null, indent) + '\n', ...t };
}

/** The line each item of a JSON List starts on (JSON is YAML: the YAML parser knows the positions). */
function jsonItemLines(text: string): number[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const items = (doc.contents as { get?: (k: string, keep: boolean) => unknown } | null)?.get?.('items', true);
  if (!isSeq(items)) return [];
  return items.items.map((n) => lc.linePos((n as { range?: [number, number, number] }).range?.[0] ?? 0).line);
}

/** JSON when the file says so (.json) or, for stdin, when the text starts with `{` or `[`. */
export function looksLikeJson(name: string, text: string): boolean {
  if (/\.json$/i.test(name)) return true;
  if (/\.ya?ml$/i.test(name)) return false;
  return /^\s*[{[]/.test(text);
}
