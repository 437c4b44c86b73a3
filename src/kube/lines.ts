/**
 * Splits a stream of text chunks into complete newline-terminated lines without re-scanning
 * or re-concatenating what was already seen (watch streams can deliver thousands of events
 * in one burst, and single events can span many chunks).
 */
export class LineSplitter {
  private pending: string[] = [];

  /** Feed a chunk; returns the lines it completed (without the newline; empty lines dropped). */
  push(chunk: string): string[] {
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      let line = chunk.slice(start, nl);
      if (this.pending.length > 0) {
        this.pending.push(line);
        line = this.pending.join('');
        this.pending = [];
      }
      if (line.length > 0 && line !== '\r') out.push(line);
      start = nl + 1;
    }
    if (start < chunk.length) this.pending.push(start === 0 ? chunk : chunk.slice(start));
    return out;
  }

  /** Whatever is left after the stream ended (a final line without a newline), or undefined. */
  end(): string | undefined {
    const rest = this.pending.join('');
    this.pending = [];
    return rest.trim().length > 0 ? rest : undefined;
  }
}
