import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFinding, flagFindings, parseFlags, pdbEmptySelectorFinding, podFlagFindings, severityFor } from './rules.js';
import { suggestPath, SWITCH_THRESHOLD } from './path.js';
import type { Finding, Identity } from './types.js';

const id: Identity = { source: 'manifest', file: 'a.yaml', line: 1 };

test('severity: blocker when removed at or before the target, warning when deprecated, info when later', () => {
  assert.equal(severityFor(21, 25, 25), 'blocker');
  assert.equal(severityFor(21, 25, 30), 'blocker');
  assert.equal(severityFor(21, 25, 24), 'warning');
  assert.equal(severityFor(21, 25, 20), 'info');
  assert.equal(severityFor(27, null, 30), 'warning');
  assert.equal(severityFor(27, null, 26), undefined);
});

test('API findings carry replacement, field changes and source', () => {
  const f = apiFinding('networking.k8s.io/v1beta1', 'Ingress', 22, id)!;
  assert.equal(f.severity, 'blocker');
  assert.equal(f.replacement, 'networking.k8s.io/v1 Ingress');
  assert.ok(f.fieldChanges!.some((c) => c.from.endsWith('serviceName')));
  assert.match(f.source!, /deprecation-guide/);
  const w = apiFinding('autoscaling/v2beta2', 'HorizontalPodAutoscaler', 24, id)!;
  assert.equal(w.severity, 'warning');
  assert.match(w.message, /removed in 1\.26/);
  const early = apiFinding('autoscaling/v2beta2', 'HorizontalPodAutoscaler', 22, id)!;
  assert.match(early.message, /served only from 1\.23/, 'says when the replacement becomes available');
  assert.equal(apiFinding('apps/v1', 'Deployment', 34, id), undefined);
  assert.equal(apiFinding('policy/v1beta1', 'PodSecurityPolicy', 25, id)?.replacement, undefined);
  assert.equal(apiFinding('v1', 'Endpoints', 33, id)?.code, 'deprecated-api');
  assert.equal(apiFinding('v1', 'Endpoints', 32, id), undefined);
});

test('flags: --a=b, --a b, removed flags, value-keyed flags, gates and admission plugins', () => {
  assert.deepEqual(parseFlags(['--a=b', '--c', 'd', '--e', '--f']), [
    { name: 'a', value: 'b' },
    { name: 'c', value: 'd' },
    { name: 'e', value: undefined },
    { name: 'f', value: undefined },
  ]);
  const fs = flagFindings('kube-apiserver', ['--insecure-port=0', '--cloud-provider=aws', '--feature-gates=PodSecurity=true,Foo=true', '--enable-admission-plugins=NodeRestriction,PodSecurityPolicy', '--secure-port=6443'], 31, id);
  assert.deepEqual(fs.map((f) => [f.code, f.subject, f.severity]), [
    ['removed-flag', '--insecure-port', 'blocker'],
    ['removed-flag', '--cloud-provider=aws', 'blocker'],
    ['removed-feature-gate', 'PodSecurity', 'blocker'],
    ['removed-admission-plugin', 'PodSecurityPolicy', 'blocker'],
  ]);
  assert.deepEqual(flagFindings('kube-apiserver', ['--cloud-provider=external'], 31, id), []);
  const warn = flagFindings('kubelet', ['--network-plugin=cni', '--experimental-foo=1'], 23, id);
  assert.deepEqual(warn.map((f) => [f.code, f.severity]), [['deprecated-flag', 'warning'], ['deprecated-flag', 'warning']]);
  assert.equal(warn[0]!.identity.component, 'kubelet');
});

test('static pods: the component is found from the command or the label', () => {
  const spec = { containers: [{ name: 'main', command: ['/usr/local/bin/kube-scheduler', '--policy-config-file=/x'] }, { name: 'sidecar', command: ['sh'] }] };
  const fs = podFlagFindings(spec, undefined, 23, id);
  assert.deepEqual(fs.map((f) => [f.identity.component, f.subject]), [['kube-scheduler', '--policy-config-file']]);
  const byLabel = podFlagFindings({ containers: [{ name: 'x', args: ['--port=0'] }] }, 'kube-controller-manager', 24, id);
  assert.equal(byLabel[0]?.identity.component, 'kube-controller-manager');
});

test('PDB with an empty selector in policy/v1beta1 is a warning', () => {
  const pdb = (selector: unknown): Record<string, unknown> => ({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', spec: { selector } });
  assert.equal(pdbEmptySelectorFinding(pdb({}), id)?.severity, 'warning');
  assert.equal(pdbEmptySelectorFinding(pdb({ matchLabels: {} }), id)?.code, 'pdb-empty-selector');
  assert.equal(pdbEmptySelectorFinding(pdb({ matchLabels: { a: 'b' } }), id), undefined);
  assert.equal(pdbEmptySelectorFinding(pdb(null), id), undefined);
});

test('path: minor by minor up to the threshold, switch-style beyond, blockers per step', () => {
  const blocker = (removedIn: string): Finding => ({ severity: 'blocker', code: 'removed-api', message: '', identity: id, removedIn });
  const fs = [blocker('1.25'), blocker('1.25'), blocker('1.26'), blocker('1.22')];
  const p = suggestPath(23, 26, fs);
  assert.equal(p.strategy, 'minor-by-minor');
  assert.deepEqual(p.steps.map((s) => [s.to, s.blockers]), [['1.24', 1], ['1.25', 2], ['1.26', 1]]);
  assert.ok(p.steps[0]!.notes.some((n) => /dockershim/.test(n)));
  const s = suggestPath(20, 20 + SWITCH_THRESHOLD + 1, fs);
  assert.equal(s.strategy, 'switch');
  assert.equal(s.steps.length, 1);
  assert.match(s.explanation, /1\.21 → 1\.22 → 1\.23 → 1\.24/);
  assert.equal(suggestPath(undefined, 25, fs).strategy, 'unknown-current');
  assert.equal(suggestPath(25, 25, fs).strategy, 'none');
});

test('a non-zero --insecure-port stopped working in 1.20, the flag itself in 1.24', () => {
  const at = (t: number): string[][] => flagFindings('kube-apiserver', ['--insecure-port=8080'], t, id).map((f) => [f.severity, f.removedIn ?? '']);
  assert.deepEqual(at(22), [['warning', '1.24'], ['blocker', '1.20']]);
  assert.deepEqual(flagFindings('kube-apiserver', ['--insecure-port=0'], 22, id).map((f) => f.severity), ['warning']);
});
