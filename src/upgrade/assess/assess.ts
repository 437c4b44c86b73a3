/**
 * `plinth upgrade assess`: gather findings from manifests, Helm release records and a live cluster, then
 * compute the summary and the suggested path. The CLI decides which sources to read (see options).
 */
import type { KubeClient } from '../../kube/http.js';
import { PlinthError } from '../../errors/index.js';
import { changesBetween } from './kb/behaviour.js';
import { minorText, parseKubeVersion, type KubeVersion } from './kb/version.js';
import { suggestPath } from './path.js';
import { collectInputs } from './scan/inputs.js';
import { assessFilesInParallel } from './scan/parallel.js';
import { REPORT_SCHEMA_VERSION, SEVERITY_ORDER, type Finding, type InputError, type Report } from './types.js';

export interface AssessOptions {
  readonly target: KubeVersion;
  /** -f arguments (files, directories, `-`). */
  readonly files: readonly string[];
  /** The current version when no cluster is read (--from). */
  readonly from?: KubeVersion;
  /** Read the live cluster (objects, metrics, RBAC, webhooks, CRDs, nodes, static pods). */
  readonly live: boolean;
  /** Read Helm release records from the cluster. */
  readonly helm: boolean;
  /** Opens the cluster connection (only called when live or helm). */
  readonly connect?: () => Promise<{ client: KubeClient; server: string }>;
  readonly stdin?: () => string;
}

function sortFindings(a: Finding, b: Finding): number {
  const s = SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
  if (s !== 0) return s;
  const ka = `${a.identity.source}|${a.identity.file ?? ''}|${String(a.identity.line ?? 0).padStart(9, '0')}|${a.identity.namespace ?? ''}|${a.identity.name ?? ''}`;
  const kb = `${b.identity.source}|${b.identity.file ?? ''}|${String(b.identity.line ?? 0).padStart(9, '0')}|${b.identity.namespace ?? ''}|${b.identity.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export async function runAssessment(opts: AssessOptions): Promise<Report> {
  const target = opts.target.minor;
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  let objects = 0;
  let manifests = 0;
  let helmReleases = 0;
  let current: string | undefined = opts.from?.text;
  let cluster: string | undefined;

  if (opts.files.length > 0) {
    const r = await assessFilesInParallel(collectInputs(opts.files), target, opts.stdin);
    findings.push(...r.findings);
    errors.push(...r.errors);
    objects += r.objects;
    manifests = r.files;
  }
  if (opts.live || opts.helm) {
    if (!opts.connect) throw new PlinthError('INTERNAL', { detail: 'assess: live or helm without a connection' });
    // The cluster code (and the client it needs) loads only here, so a manifest-only run starts fast.
    const { assessHelm, assessLive } = await import('./live/collect.js');
    const { client, server } = await opts.connect();
    cluster = server;
    try {
      if (opts.live) {
        const r = await assessLive(client, target);
        findings.push(...r.findings);
        errors.push(...r.errors);
        objects += r.objects;
        current = r.current ?? current;
      }
      if (opts.helm) {
        const h = await assessHelm(client, target);
        findings.push(...h.findings);
        errors.push(...h.errors);
        objects += h.objects;
        helmReleases = h.releases;
      }
    } finally {
      client.close();
    }
  }
  findings.sort(sortFindings);
  const fromMinor = current ? parseKubeVersion(current)?.minor : undefined;
  const count = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    target: minorText(target),
    ...(current ? { current } : {}),
    sources: { manifests, objects, helmReleases, live: opts.live, ...(cluster ? { cluster } : {}) },
    summary: { blockers: count('blocker'), warnings: count('warning'), info: count('info') },
    findings,
    path: suggestPath(fromMinor, target, findings),
    behaviourChanges: changesBetween(fromMinor, target).map((c) => ({ id: c.id, minor: minorText(c.minor), title: c.title, action: c.action, source: c.source })),
    errors,
  };
}

/** 1 when some input could not be read, else 3 when something blocks, else 0. */
export function exitCodeOf(r: Report): number {
  if (r.errors.length > 0) return 1;
  return r.summary.blockers > 0 ? 3 : 0;
}
