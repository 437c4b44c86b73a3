/**
 * Pure rules: what an API version, a component's flags, or a PodDisruptionBudget mean for a target minor.
 * Every scanner (manifests, Helm releases, live objects, static pods) calls these, so one object gets the
 * same verdict whichever way it was found.
 */
import { removedApi, type RemovedApi } from './kb/apis.js';
import { deprecatedApi } from './kb/deprecated.js';
import { admissionPlugin, flagEntries, type Component } from './kb/flags.js';
import { removedGate } from './kb/gates.js';
import { replacementAt } from './kb/replacement.js';
import { minorText } from './kb/version.js';
import type { Finding, Identity, Severity } from './types.js';

/** Severity of something removed in `removedIn` (null: never) and deprecated in `deprecatedIn`, for `target`. */
export function severityFor(deprecatedIn: number, removedIn: number | null, target: number): Severity | undefined {
  if (removedIn !== null && removedIn <= target) return 'blocker';
  if (deprecatedIn <= target) return 'warning';
  if (removedIn !== null) return 'info';
  return undefined;
}

function replacementText(e: RemovedApi): string | undefined {
  return e.replacement ? `${e.replacement.apiVersion} ${e.replacement.kind}` : undefined;
}

/** The finding for an object written as `apiVersion`/`kind`, or undefined when that version is fine at `target`. */
export function apiFinding(apiVersion: string, kind: string, target: number, identity: Identity): Finding | undefined {
  const e = removedApi(apiVersion, kind);
  if (e) {
    const severity = severityFor(e.deprecatedIn, e.removedIn, target)!;
    const repl = replacementText(e);
    const when =
      severity === 'blocker'
        ? `is not served from ${minorText(e.removedIn)} (target ${minorText(target)})`
        : severity === 'warning'
          ? `is deprecated since ${minorText(e.deprecatedIn)} and removed in ${minorText(e.removedIn)} (after the target)`
          : `will be deprecated in ${minorText(e.deprecatedIn)} and removed in ${minorText(e.removedIn)}`;
    const late = e.replacement && e.replacement.since > target ? `; ${e.replacement.apiVersion} is served only from ${minorText(e.replacement.since)}` : '';
    const now = replacementAt(e, target);
    const interim = now && e.replacement && now.apiVersion !== e.replacement.apiVersion ? ` (until then: ${now.apiVersion})` : '';
    return {
      severity,
      code: 'removed-api',
      message: `${apiVersion} ${kind} ${when}${repl ? `; use ${repl}${late}${interim}` : '; no replacement API'}`,
      identity,
      subject: apiVersion,
      deprecatedIn: minorText(e.deprecatedIn),
      removedIn: minorText(e.removedIn),
      // Only a version the target serves (the message says when the final one comes).
      ...(now ? { replacement: `${now.apiVersion} ${now.kind}` } : {}),
      fieldChanges: e.fieldChanges,
      ...(e.advice ? { advice: e.advice } : {}),
      source: e.source,
    };
  }
  const d = deprecatedApi(apiVersion, kind);
  if (d && d.deprecatedIn <= target) {
    // Named only when the target serves it.
    const repl = d.replacement && d.replacement.since <= target ? `${d.replacement.apiVersion} ${d.replacement.kind}` : undefined;
    return {
      severity: 'warning',
      code: 'deprecated-api',
      message: `${apiVersion} ${kind} is deprecated since ${minorText(d.deprecatedIn)}${d.plannedRemoval ? `, removal planned for ${minorText(d.plannedRemoval)}` : ', no removal announced'}${repl ? `; use ${repl}` : ''}`,
      identity,
      subject: apiVersion,
      deprecatedIn: minorText(d.deprecatedIn),
      ...(d.plannedRemoval ? { removedIn: minorText(d.plannedRemoval) } : {}),
      ...(repl ? { replacement: repl } : {}),
      advice: d.advice,
      source: d.source,
    };
  }
  return undefined;
}

/** `--a=b`, `--a b`, `-a` → name/value pairs (values only where given). */
export function parseFlags(args: readonly string[]): { name: string; value: string | undefined }[] {
  const out: { name: string; value: string | undefined }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.push({ name: a.slice(2, eq), value: a.slice(eq + 1) });
    else {
      const next = args[i + 1];
      const value = next !== undefined && !next.startsWith('-') ? next : undefined;
      out.push({ name: a.slice(2), value });
      if (value !== undefined) i++;
    }
  }
  return out;
}

/** Findings for the command line of a control-plane component or kubelet at `target`. */
export function flagFindings(component: Component, args: readonly string[], target: number, identity: Identity): Finding[] {
  const out: Finding[] = [];
  const id: Identity = { ...identity, component };
  for (const { name, value } of parseFlags(args)) {
    let known = false;
    for (const e of flagEntries(component, name)) {
      if (e.value !== undefined && (value === undefined || !new RegExp(`^(?:${e.value})$`).test(value))) continue;
      known = true;
      const severity = severityFor(e.deprecatedIn, e.removedIn, target);
      if (!severity) continue;
      const shown = e.value !== undefined ? `--${name}=${value}` : `--${name}`;
      out.push({
        severity,
        code: severity === 'blocker' ? 'removed-flag' : 'deprecated-flag',
        message:
          severity === 'blocker'
            ? `${component} ${shown} is not accepted from ${minorText(e.removedIn!)}: the component will not start; use ${e.replacement}`
            : `${component} ${shown} is deprecated since ${minorText(e.deprecatedIn)}${e.removedIn ? `, removed in ${minorText(e.removedIn)}` : ''}; use ${e.replacement}`,
        identity: id,
        subject: shown,
        deprecatedIn: minorText(e.deprecatedIn),
        ...(e.removedIn ? { removedIn: minorText(e.removedIn) } : {}),
        replacement: e.replacement,
        ...(e.note ? { advice: e.note } : {}),
        source: e.source,
      });
    }
    if (name === 'feature-gates' && value) out.push(...gateFindings(component, value, target, id));
    if ((name === 'enable-admission-plugins' || name === 'admission-control') && value && component === 'kube-apiserver') {
      out.push(...pluginFindings(value, target, id));
    }
    if (!known && name.startsWith('experimental-')) {
      out.push({
        severity: 'warning',
        code: 'deprecated-flag',
        message: `${component} --${name} is an experimental flag: such flags are renamed or removed without the usual deprecation; check the ${minorText(target)} reference`,
        identity: id,
        subject: `--${name}`,
        source: `https://kubernetes.io/docs/reference/command-line-tools-reference/${component}/`,
      });
    }
  }
  return out;
}

function gateFindings(component: Component, value: string, target: number, identity: Identity): Finding[] {
  const out: Finding[] = [];
  for (const pair of value.split(',')) {
    const gate = pair.split('=')[0]!.trim();
    const g = removedGate(gate);
    if (!g) continue;
    const severity: Severity | undefined = g.removedIn <= target ? 'blocker' : g.lockedIn <= target ? 'warning' : undefined;
    if (!severity) continue;
    out.push({
      severity,
      code: 'removed-feature-gate',
      message:
        severity === 'blocker'
          ? `${component} --feature-gates names ${gate}, which is not recognised from ${minorText(g.removedIn)}: the component will not start; drop it`
          : `${component} --feature-gates names ${gate}, ${g.stage === 'GA' ? 'GA' : 'deprecated'} since ${minorText(g.lockedIn)} and removed in ${minorText(g.removedIn)}; drop it`,
      identity,
      subject: gate,
      deprecatedIn: minorText(g.lockedIn),
      removedIn: minorText(g.removedIn),
      ...(g.note ? { advice: g.note } : {}),
      source: g.source,
    });
  }
  return out;
}

function pluginFindings(value: string, target: number, identity: Identity): Finding[] {
  const out: Finding[] = [];
  for (const name of value.split(',').map((s) => s.trim())) {
    const p = admissionPlugin(name);
    if (!p) continue;
    const severity = severityFor(p.deprecatedIn, p.removedIn, target);
    if (!severity) continue;
    out.push({
      severity,
      code: 'removed-admission-plugin',
      message:
        severity === 'blocker'
          ? `kube-apiserver admission plugin ${name} does not exist from ${minorText(p.removedIn)}: the apiserver will not start; use ${p.replacement}`
          : `kube-apiserver admission plugin ${name} is deprecated since ${minorText(p.deprecatedIn)} and removed in ${minorText(p.removedIn)}; use ${p.replacement}`,
      identity,
      subject: name,
      deprecatedIn: minorText(p.deprecatedIn),
      removedIn: minorText(p.removedIn),
      replacement: p.replacement,
      source: p.source,
    });
  }
  return out;
}

/** A policy/v1beta1 PDB whose selector is `{}` (or empty matchLabels/matchExpressions) changes meaning in policy/v1. */
export function pdbEmptySelectorFinding(obj: Record<string, unknown>, identity: Identity): Finding | undefined {
  if (obj.kind !== 'PodDisruptionBudget' || obj.apiVersion !== 'policy/v1beta1') return undefined;
  const spec = obj.spec as { selector?: { matchLabels?: object; matchExpressions?: unknown[] } | null } | undefined;
  const sel = spec?.selector;
  if (sel === undefined || sel === null) return undefined;
  const empty = Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
  if (!empty) return undefined;
  return {
    severity: 'warning',
    code: 'pdb-empty-selector',
    message: 'this PodDisruptionBudget has an empty selector: in policy/v1beta1 it selects no pod, in policy/v1 every pod of its namespace (drains will wait on it)',
    identity,
    subject: 'spec.selector',
    advice: 'give it a real selector, or remove it if it was meant to select nothing',
    source: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/#poddisruptionbudget-v125',
  };
}

const COMPONENT_NAMES = new Set<string>(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet']);

/** The component a container runs (by the basename of its command, else its name), if it is one we know. */
export function componentOf(container: { name?: string; command?: string[] }, podLabel?: string): Component | undefined {
  const cmd = container.command?.[0];
  const base = cmd ? cmd.slice(cmd.lastIndexOf('/') + 1) : undefined;
  for (const c of [base, container.name, podLabel]) if (c && COMPONENT_NAMES.has(c)) return c as Component;
  return undefined;
}

/** Flag findings for every container of a pod spec that runs a control-plane component. */
export function podFlagFindings(podSpec: unknown, podLabel: string | undefined, target: number, identity: Identity): Finding[] {
  const containers = (podSpec as { containers?: { name?: string; command?: string[]; args?: string[] }[] } | undefined)?.containers ?? [];
  const out: Finding[] = [];
  for (const c of containers) {
    const component = componentOf(c, podLabel);
    if (!component) continue;
    out.push(...flagFindings(component, [...(c.command ?? []).slice(1), ...(c.args ?? [])], target, identity));
  }
  return out;
}
