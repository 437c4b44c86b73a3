/**
 * Kubernetes minor versions as the upgrade knowledge base speaks of them: `1.25`, `v1.25`, `v1.25.3`,
 * `1.25.0-rc.1` all name minor 25. Only 1.x exists, so a version is its minor number.
 */
export interface KubeVersion {
  readonly major: 1;
  readonly minor: number;
  /** As the user or the server wrote it (for messages). */
  readonly text: string;
}

const VERSION_RE = /^v?1\.(\d{1,3})(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?$/;

/** The oldest and newest minors the knowledge base covers. */
export const KB_OLDEST_MINOR = 16;
export const KB_NEWEST_MINOR = 34;

/** Parse a version; undefined when it is not a Kubernetes 1.x version. */
export function parseKubeVersion(text: string): KubeVersion | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  return { major: 1, minor: Number(m[1]), text: text.trim() };
}

/** `1.25` */
export const minorText = (v: KubeVersion | number): string => `1.${typeof v === 'number' ? v : v.minor}`;
