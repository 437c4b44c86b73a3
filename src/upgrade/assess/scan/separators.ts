/**
 * Typo document separators: a line of only dashes that is not exactly `---` (`----`, `-----`, `--`).
 * YAML reads such a line as text, so the two documents around it fail or merge and both objects are
 * lost. The scanner reports each one with its line and reads it as the `---` it was meant to be.
 */

const TYPO = /^(?:-{2}|-{4,})[ \t]*\r?$/gm;

export interface TypoSeparator {
  /** 1-based line in the text. */
  readonly line: number;
  readonly text: string;
}

/** The typo separator lines of `text`, in order. */
export function typoSeparators(text: string): TypoSeparator[] {
  const out: TypoSeparator[] = [];
  let line = 1;
  let scanned = 0;
  TYPO.lastIndex = 0;
  for (let m = TYPO.exec(text); m !== null; m = TYPO.exec(text)) {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    scanned = m.index;
    out.push({ line, text: m[0].trimEnd() });
  }
  return out;
}

/** `text` with every typo separator line replaced by `---` (line numbers are kept). */
export function repairSeparators(text: string): string {
  TYPO.lastIndex = 0;
  return text.replace(TYPO, (s) => (s.endsWith('\r') ? '---\r' : '---'));
}

/** The input error for one typo separator. */
export function typoMessage(t: TypoSeparator): string {
  return `"${t.text}" is not a YAML document separator (that is exactly ---): read as --- so the objects around it are still assessed; fix the line`;
}
