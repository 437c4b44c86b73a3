/** Pure analysis of cluster configuration for a target: RBAC rules, admission webhook rules, CRD versions. */
import { REMOVED_APIS, removedByResource, servedAt } from '../kb/apis.js';
import { minorText } from '../kb/version.js';
import type { Finding } from '../types.js';
import { liveIdentity, type LiveObject } from './analyse.js';

/** Is some version of `group`/`resource` served at `target` according to the knowledge base? (undefined: the KB does not know the pair) */
export function groupResourceServed(group: string, resource: string, target: number): boolean | undefined {
  const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
  const removed = REMOVED_APIS.filter((a) => groupOf(a.apiVersion) === group && a.resource === resource);
  if (removed.length === 0) return undefined;
  if (removed.some((a) => a.removedIn > target)) return true;
  return REMOVED_APIS.some(
    (a) => a.replacement && groupOf(a.replacement.apiVersion) === group && a.resource === resource && a.replacement.since <= target && servedAt(a.replacement.apiVersion, a.replacement.kind, target),
  );
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

/** RBAC rules that grant on group/resources no version serves at the target (dead grants to clean up). */
export function rbacFindings(role: LiveObject & { rules?: PolicyRule[] }, kind: string, target: number): Finding[] {
  const out: Finding[] = [];
  if (role.metadata?.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults') return out;
  (role.rules ?? []).forEach((rule, i) => {
    for (const g of rule.apiGroups ?? []) {
      for (const r of rule.resources ?? []) {
        if (g === '*' || r === '*') continue;
        const base = r.split('/')[0]!;
        if (groupResourceServed(g, base, target) !== false) continue;
        out.push({
          severity: 'warning',
          code: 'rbac-unserved-resource',
          message: `rules[${i}] grants ${(rule.verbs ?? []).join(',')} on ${base}${g ? `.${g}` : ''}, which no API version serves at ${minorText(target)}: the grant does nothing there; clients relying on it must move to the replacement API`,
          identity: liveIdentity(role, kind, 'rbac.authorization.k8s.io/v1'),
          subject: `${g || 'core'}/${r}`,
          source: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
        });
      }
    }
  });
  return out;
}

interface WebhookRule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
}
interface Webhook {
  name?: string;
  matchPolicy?: string;
  rules?: WebhookRule[];
}

/** Webhook rules that name API versions removed at or before the target. */
export function webhookFindings(cfg: LiveObject & { webhooks?: Webhook[] }, kind: string, target: number): Finding[] {
  const out: Finding[] = [];
  (cfg.webhooks ?? []).forEach((wh, i) => {
    (wh.rules ?? []).forEach((rule, j) => {
      for (const g of rule.apiGroups ?? []) {
        for (const r of rule.resources ?? []) {
          const base = r.split('/')[0]!;
          const versions = rule.apiVersions ?? [];
          const removed = versions.filter((v) => v !== '*').map((v) => removedByResource(g ? `${g}/${v}` : v, base)).filter((e) => e !== undefined && e.removedIn <= target);
          if (removed.length === 0) continue;
          const servedNamed = versions.some((v) => v === '*' || !removedByResource(g ? `${g}/${v}` : v, base) || removedByResource(g ? `${g}/${v}` : v, base)!.removedIn > target);
          const exact = wh.matchPolicy === 'Exact';
          const severity = exact && !servedNamed ? 'blocker' : 'warning';
          const names = removed.map((e) => e!.apiVersion).join(', ');
          const repl = removed[0]!.replacement;
          out.push({
            severity,
            code: 'webhook-removed-version',
            message:
              severity === 'blocker'
                ? `webhook ${wh.name ?? i} (matchPolicy Exact) matches ${base} only through ${names}, not served at ${minorText(target)}: it will stop seeing these requests; add ${repl?.apiVersion ?? 'the served version'} to its rule`
                : `webhook ${wh.name ?? i} names ${names} ${base}, not served at ${minorText(target)}${exact ? '' : ' (matchPolicy Equivalent still sends it the requests, converted)'}; list ${repl?.apiVersion ?? 'the served version'} instead`,
            identity: liveIdentity(cfg, kind, 'admissionregistration.k8s.io/v1'),
            subject: `webhooks[${i}].rules[${j}]`,
            removedIn: minorText(removed[0]!.removedIn),
            ...(repl ? { replacement: `${repl.apiVersion} ${repl.kind}` } : {}),
            source: removed[0]!.source,
          });
        }
      }
    });
  });
  return out;
}

interface Crd extends LiveObject {
  spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean; storage?: boolean; deprecated?: boolean }[] };
  status?: { storedVersions?: string[] };
}

/** CRDs whose stored versions are no longer served (or several) and served versions marked deprecated. */
export function crdFindings(crd: Crd): Finding[] {
  const out: Finding[] = [];
  const id = liveIdentity(crd, 'CustomResourceDefinition', 'apiextensions.k8s.io/v1');
  const versions = crd.spec?.versions ?? [];
  const stored = crd.status?.storedVersions ?? [];
  const src = 'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#upgrade-existing-objects-to-a-new-stored-version';
  for (const s of stored) {
    const v = versions.find((x) => x.name === s);
    if (!v || v.served === false) {
      out.push({
        severity: 'warning',
        code: 'crd-stored-version',
        message: `objects may still be stored as ${s}, which this CRD ${v ? 'no longer serves' : 'no longer lists'}: rewrite every object (storage migration), then drop ${s} from status.storedVersions`,
        identity: id,
        subject: `status.storedVersions ${s}`,
        source: src,
      });
    }
  }
  if (stored.length > 1 && out.length === 0) {
    out.push({
      severity: 'info',
      code: 'crd-stored-version',
      message: `objects are stored in several versions (${stored.join(', ')}): migrate them to the storage version before removing an old version`,
      identity: id,
      subject: 'status.storedVersions',
      source: src,
    });
  }
  for (const v of versions) {
    if (v.deprecated && v.served !== false) {
      out.push({
        severity: 'info',
        code: 'crd-deprecated-version',
        message: `version ${v.name} of ${crd.spec?.names?.kind ?? 'this CRD'} is marked deprecated by its author`,
        identity: id,
        subject: `${crd.spec?.group ?? ''}/${v.name}`,
        source: src,
      });
    }
  }
  return out;
}

