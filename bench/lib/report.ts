/**
 * Printing benchmark figures: each Plinth figure next to the same figure for the peers measured
 * in the same run, with the ratio (peer / Plinth for "lower is better", Plinth / peer otherwise,
 * so a ratio above 1 always means Plinth is better) and the target when there is one.
 */
export interface Figure {
  metric: string;
  unit: string;
  better: 'lower' | 'higher';
  plinth: number;
  peers: Record<string, number | undefined>;
  /** e.g. "≤ 3000" — shown, and checked when `check` is given. */
  target?: string;
  check?: (plinth: number, peers: Record<string, number | undefined>) => boolean;
}

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return 'n/a';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function ratio(f: Figure, peer: number | undefined): number | undefined {
  if (peer === undefined || peer === 0 || f.plinth === 0) return undefined;
  return f.better === 'lower' ? peer / f.plinth : f.plinth / peer;
}

/** A plain-text table; also returns whether every checked target was met. */
export function renderFigures(title: string, figures: Figure[]): { text: string; targetsMet: boolean } {
  const peerNames = [...new Set(figures.flatMap((f) => Object.keys(f.peers)))];
  const header = ['metric', 'unit', 'plinth', ...peerNames.flatMap((p) => [p, `ratio vs ${p}`]), 'target', 'met'];
  let targetsMet = true;
  const rows = figures.map((f) => {
    const met = f.check ? f.check(f.plinth, f.peers) : undefined;
    if (met === false) targetsMet = false;
    return [
      f.metric,
      f.unit,
      fmt(f.plinth),
      ...peerNames.flatMap((p) => {
        const r = ratio(f, f.peers[p]);
        return [fmt(f.peers[p]), r === undefined ? 'n/a' : `${fmt(r)}x`];
      }),
      f.target ?? '',
      met === undefined ? '' : met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const text = [`== ${title} ==`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '(ratio > 1: Plinth is better)'].join('\n');
  return { text: text + '\n', targetsMet };
}
