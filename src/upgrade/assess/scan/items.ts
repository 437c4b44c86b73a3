/**
 * Lines of the items of a `List` document, found by scanning the text instead of parsing it a second time
 * (the `yaml` package's parse of a big List costs many times js-yaml's): a JSON List's `items` array is
 * walked character by character, a YAML List's block sequence under a top-level `items:` line by line. The
 * caller checks the count against the parsed items and falls back to the `yaml` package when it differs
 * (flow style, an unusual layout).
 */

/** Offsets of the elements of the top-level `"items"` array of a JSON object, or undefined when not found. */
function jsonItemOffsets(text: string): number[] | undefined {
  let depth = 0;
  let i = 0;
  const n = text.length;
  let lastKey = '';
  let inItems = false;
  const out: number[] = [];
  let expectValue = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i + 1;
      i++;
      while (i < n && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
      if (depth === 1) lastKey = text.slice(start, i);
      if (inItems && depth === 2 && expectValue) {
        out.push(start - 1);
        expectValue = false;
      }
      i++;
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (inItems && depth === 2 && expectValue) {
        out.push(i);
        expectValue = false;
      }
      depth++;
      if (depth === 2 && c === 91 && lastKey === 'items') {
        inItems = true;
        expectValue = true;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (inItems && depth === 2) return out;
      depth--;
    } else if (c === 44 /* , */ && inItems && depth === 2) expectValue = true;
    else if (inItems && depth === 2 && expectValue && c > 32) {
      out.push(i);
      expectValue = false;
    }
    i++;
  }
  return undefined;
}

/** Offsets of the entries of the block sequence under a top-level `items:` line, or undefined. */
function yamlItemOffsets(text: string): number[] | undefined {
  const head = /^items[ \t]*:[ \t]*(?:#.*)?\r?$/m.exec(text);
  if (!head) return undefined;
  const out: number[] = [];
  let indent = -1;
  for (let at = text.indexOf('\n', head.index) + 1; at > 0 && at < text.length; ) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end === -1 ? text.length : end);
    const content = line.trimStart();
    const ind = line.length - content.length;
    if (content !== '' && content !== '\r' && !content.startsWith('#')) {
      const dash = content.startsWith('-') && (content.length === 1 || content[1] === ' ' || content[1] === '\r' || content[1] === '\t');
      if (indent === -1) {
        if (!dash) return undefined;
        indent = ind;
      }
      if (ind < indent || (ind === indent && !dash)) break;
      if (ind === indent) out.push(at + ind);
    }
    if (end === -1) break;
    at = end + 1;
  }
  return out;
}

/** 1-based lines (within `text`) of the List's items; undefined when the scan does not find them. */
export function scanItemLines(text: string): number[] | undefined {
  const offsets = text.trimStart().startsWith('{') ? jsonItemOffsets(text) : yamlItemOffsets(text);
  if (!offsets) return undefined;
  const lines: number[] = [];
  let line = 1;
  let scanned = 0;
  for (const off of offsets) {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < off; i = text.indexOf('\n', i + 1)) line++;
    scanned = off;
    lines.push(line);
  }
  return lines;
}

