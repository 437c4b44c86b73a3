// What a directory of manifests means, purely: files (path, text) → the objects of an artifact, in a stable
// order (file path, then order in the file), with `List`s expanded and every object checked to be one the
// API server can take. A bad file is an error naming file:line, never a silently shorter artifact.
import type { KubeObject } from '../artifact.js';
import { parseKubeYaml } from '../../kube/yaml.js';
import { PlinthError } from '../../errors/index.js';

export interface ManifestFile {
  /** Path in the repository, e.g. apps/web/deploy.yaml (what an error names). */
  path: string;
  text: string;
}

/** The error of a path that does not render: where (file:line) and what. */
export function renderError(dir: string, location: string, detail: string): PlinthError {
  return new PlinthError('FLEET_RENDER_FAILED', { path: dir === '' ? '/' : dir, location, detail });
}

/** Files a plain directory delivers: YAML and JSON. */
export function isManifestFile(name: string): boolean {
  return /\.(ya?ml|json)$/i.test(name);
}

/** The kustomization file among a directory's entries, as kustomize looks for it. */
export function kustomizationFile(names: readonly string[]): string | undefined {
  return ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].find((n) => names.includes(n));
}

/** Byte order of the paths: the same on every machine and locale. */
export function sortFiles<T extends { path: string }>(files: readonly T[]): T[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface Chunk {
  text: string;
  /** 1-based line of the chunk's first line in the file. */
  line: number;
}

/** A YAML stream's documents, split at `---` lines, each with its first line (so errors name file:line). */
export function splitYamlDocuments(text: string): Chunk[] {
  const out: Chunk[] = [];
  const lines = text.split('\n');
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    const boundary = i === lines.length || /^(---|\.\.\.)([ \t\r].*)?$/.test(lines[i]!);
    if (!boundary) continue;
    if (i > start) out.push({ text: lines.slice(start, i).join('\n'), line: start + 1 });
    // The separator line itself belongs to no document (`--- {a: 1}` is not used in manifests).
    start = i + 1;
  }
  return out;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a value is not an object the API server can take (undefined when it is). */
export function objectProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'the document is not a mapping';
  if (typeof v.apiVersion !== 'string' || v.apiVersion === '') return 'the object has no apiVersion';
  if (typeof v.kind !== 'string' || v.kind === '') return 'the object has no kind';
  const md = v.metadata;
  if (!isObj(md) || typeof md.name !== 'string' || md.name === '') return `the ${v.kind} has no metadata.name`;
  return undefined;
}

/** A document's objects: itself, or the items of a `List` (`v1/List`, `*List` with items). */
function objectsOf(doc: unknown, where: string, dir: string): KubeObject[] {
  if (isObj(doc) && typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
    return doc.items.map((item, i) => {
      const problem = objectProblem(item);
      if (problem) throw renderError(dir, where, `item ${i} of the ${String(doc.kind)}: ${problem}`);
      return item as KubeObject;
    });
  }
  const problem = objectProblem(doc);
  if (problem) throw renderError(dir, where, problem);
  return [doc as KubeObject];
}

/** 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON is YAML: when JSON.parse names no position, the YAML parser's mark gives the line. */
function jsonErrorLine(text: string): number {
  try {
    parseKubeYaml(text);
  } catch (err) {
    const line = (err as { mark?: { line?: number } }).mark?.line;
    if (line !== undefined) return line + 1;
  }
  return 1;
}

/** The objects of one file. `dir` is the delivered directory (for the error message). */
export function parseManifestFile(file: ManifestFile, dir: string): KubeObject[] {
  if (/\.json$/i.test(file.path)) {
    let doc: unknown;
    try {
      doc = JSON.parse(file.text);
    } catch (err) {
      const pos = /position (\d+)/.exec((err as Error).message);
      throw renderError(dir, `${file.path}:${pos ? lineOf(file.text, Number(pos[1])) : jsonErrorLine(file.text)}`, `invalid JSON: ${(err as Error).message.split('\n')[0]}`);
    }
    return objectsOf(doc, `${file.path}:1`, dir);
  }
  const out: KubeObject[] = [];
  for (const chunk of splitYamlDocuments(file.text)) {
    let doc: unknown;
    try {
      doc = parseKubeYaml(chunk.text);
    } catch (err) {
      const e = err as { mark?: { line?: number }; reason?: string; message?: string };
      // js-yaml marks where it gave up, which for an unclosed bracket is past the end: name the last line that has text.
      const lastText = chunk.text.trimEnd().split('\n').length - 1;
      const line = chunk.line + Math.min(e.mark?.line ?? 0, lastText);
      throw renderError(dir, `${file.path}:${line}`, `invalid YAML: ${(e.reason ?? e.message ?? String(err)).split('\n')[0]}`);
    }
    if (doc === null || doc === undefined) continue; // an empty document (comments only)
    const first = chunk.text.split('\n').findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    out.push(...objectsOf(doc, `${file.path}:${chunk.line + Math.max(first, 0)}`, dir));
  }
  return out;
}

/** A plain directory's objects: every file in path order, documents in order. */
export function renderPlainFiles(files: readonly ManifestFile[], dir: string): KubeObject[] {
  return sortFiles(files).flatMap((f) => parseManifestFile(f, dir));
}

/** The objects of `kustomize build` output (one YAML stream); errors name the kustomization. */
export function parseKustomizeOutput(text: string, kustomization: string, dir: string): KubeObject[] {
  return parseManifestFile({ path: kustomization, text }, dir);
}
