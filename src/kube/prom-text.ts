// Samples of one metric from a Prometheus text exposition (an API server's /metrics).

/** One sample: its labels (escapes kept as written) and its value. */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The labelled samples of metric `name`: lines `name{k="v",...} value [timestamp]`. */
export function promSamples(text: string, name: string): PromSample[] {
  const prefix = `${name}{`;
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('}');
    if (close < prefix.length) continue;
    const labels: Record<string, string> = {};
    for (const m of line.slice(prefix.length, close).matchAll(LABEL)) labels[m[1]!] = m[2]!;
    out.push({ labels, value: Number(line.slice(close + 1).trim().split(/\s+/)[0]) });
  }
  return out;
}
