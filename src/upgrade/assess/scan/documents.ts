/**
 * Split YAML text into documents without parsing it, keeping each document's first line, so that a parser
 * error or an object can be located as file:line and one bad document does not hide the others.
 */

export interface Chunk {
  readonly text: string;
  /** 1-based line of the chunk's first character in the whole text. */
  readonly startLine: number;
}

const SEPARATOR = /^(?:---|\.\.\.)(?=[ \t\r]|$)/gm;

/** Documents of a YAML stream, split at `---` / `...` lines (the separator line starts the next chunk). */
export function splitDocuments(text: string): Chunk[] {
  const out: Chunk[] = [];
  let start = 0;
  let line = 1;
  let scanned = 0;
  const countLines = (to: number): void => {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) line++;
    scanned = to;
  };
  SEPARATOR.lastIndex = 0;
  for (let m = SEPARATOR.exec(text); m !== null; m = SEPARATOR.exec(text)) {
    if (m.index > start) {
      countLines(start);
      out.push({ text: text.slice(start, m.index), startLine: line });
    }
    start = m.index;
  }
  if (start < text.length) {
    countLines(start);
    out.push({ text: text.slice(start), startLine: line });
  }
  return out;
}

/** Does a chunk hold anything but separators, comments and blank lines? */
export function isBlank(text: string): boolean {
  // Line by line up to the first content line (a big document is not split into all its lines).
  for (let at = 0; at <= text.length; ) {
    const end = text.indexOf('\n', at);
    const l = text.slice(at, end === -1 ? text.length : end).trim();
    if (!(l === '' || l.startsWith('#') || l === '---' || l === '...' || l.startsWith('--- #'))) return false;
    if (end === -1) break;
    at = end + 1;
  }
  return true;
}

/** 1-based line (within the chunk) of the top-level `apiVersion:` key (else any apiVersion key, else the first content line). */
export function objectLine(text: string): number {
  const m = /^apiVersion[ \t]*:/m.exec(text) ?? /^[ \t]*"?apiVersion"?[ \t]*:/m.exec(text);
  const at = m ? m.index : firstContent(text);
  return lineAt(text, at);
}

/** 1-based line of offset `at` in `text`. */
export function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function firstContent(text: string): number {
  const m = /^[ \t]*[^\s#-]/m.exec(text);
  return m ? m.index : 0;
}
