/** The implementation behind `plinth upgrade assess` (flags are wired in src/app/cli/commands/upgrade/assess.ts). */
import { PlinthError } from '../../../errors/index.js';
import { runAssessment, exitCodeOf } from '../../../upgrade/assess/assess.js';
import { KB_NEWEST_MINOR, KB_OLDEST_MINOR, minorText, parseKubeVersion, type KubeVersion } from '../../../upgrade/assess/kb/version.js';
import { ASSESS_FORMATS, renderReport, type AssessFormat } from '../../../upgrade/assess/render.js';

export interface AssessCliOptions {
  to: string;
  from?: string;
  file: string[];
  helm: boolean;
  live: boolean;
  output: string;
  kubeconfig?: string;
  context?: string;
}

const RANGE = `${minorText(KB_OLDEST_MINOR)} to ${minorText(KB_NEWEST_MINOR)}`;

/** A target or --from version the knowledge base covers, or one clear error. */
export function parseTarget(text: string, flag = '--to'): KubeVersion {
  const v = parseKubeVersion(text);
  if (!v) throw new PlinthError('UPGRADE_ASSESS_UNKNOWN_VERSION', { version: text, detail: `${flag} takes a Kubernetes version like 1.30 or v1.30.2`, range: RANGE });
  if (v.minor > KB_NEWEST_MINOR || v.minor < KB_OLDEST_MINOR) {
    throw new PlinthError('UPGRADE_ASSESS_UNKNOWN_VERSION', { version: text, detail: `the knowledge base covers ${RANGE}`, range: RANGE });
  }
  return v;
}

export function parseAssessFormat(v: string): AssessFormat {
  if ((ASSESS_FORMATS as readonly string[]).includes(v)) return v as AssessFormat;
  throw new PlinthError('INVALID_ARGUMENT', { what: '--output', detail: `"${v}" is not a format of upgrade assess`, fix: `use one of: ${ASSESS_FORMATS.join(', ')}` });
}

/**
 * Which sources are read: no -f → the live cluster; -f → only the manifests, plus the cluster with --live;
 * --helm always adds the Helm release records (from the cluster).
 */
export function sourcesOf(o: Pick<AssessCliOptions, 'file' | 'helm' | 'live'>): { live: boolean; helm: boolean } {
  return { live: o.file.length === 0 || o.live, helm: o.helm };
}

export async function runAssessCommand(o: AssessCliOptions): Promise<number> {
  const target = parseTarget(o.to);
  const from = o.from !== undefined ? parseTarget(o.from, '--from') : undefined;
  const format = parseAssessFormat(o.output);
  const { live, helm } = sourcesOf(o);
  const report = await runAssessment({
    target,
    files: o.file,
    ...(from ? { from } : {}),
    live,
    helm,
    connect: async () => {
      // @kubernetes/client-node loads only when a cluster is read (it alone costs about a second of start-up).
      const { openClient } = await import('../../../kube/client.js');
      const { client } = await openClient(o, { userAgent: 'plinth-cli/upgrade-assess' });
      return { client, server: client.server };
    },
  });
  process.stdout.write(renderReport(report, format));
  return exitCodeOf(report);
}
