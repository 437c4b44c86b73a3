/**
 * kubectl's short human duration ("45s", "3m20s", "12m", "2h5m", "5h", "3d4h", "12d") of the time from `at`
 * (RFC 3339) to `now`; undefined for a missing or unreadable time; "0s" for times not in the past.
 */
export function age(at: string | null | undefined, now: Date): string | undefined {
  if (!at) return undefined;
  const t = Date.parse(at);
  if (Number.isNaN(t)) return undefined;
  const s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

/** `age` followed by " ago", or undefined. */
export function ago(at: string | null | undefined, now: Date): string | undefined {
  const a = age(at, now);
  return a === undefined ? undefined : `${a} ago`;
}
