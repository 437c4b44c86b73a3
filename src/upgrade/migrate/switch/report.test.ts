import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newState } from './runner.js';
import { parsePlan } from './plan.js';
import { buildReport, renderReport } from './report.js';

const PLAN = parsePlan(
  `apiVersion: plinth.dev/v1alpha1
kind: SwitchPlan
targetVersion: v1.34
workDir: /w
old: { kubeconfig: /o }
new: { kubeconfig: /n }
hosts: [{ name: m1, executor: { type: local }, old: { stop: [a], start: [b] }, new: { stop: [c], start: [d] } }]
`,
  '/p/plan.yaml',
);

test("the report is the seeds' table: one timed row per phase, the total, and the commands after a failure", () => {
  const specs = (['init', 'backup', 'clean'] as const).map((name) => ({ name, title: `do ${name}`, run: (): Promise<string> => Promise.resolve('') }));
  const st = newState('switch', PLAN.file, PLAN.digest, PLAN.workDir, specs, 'old');
  st.phases[0] = { ...st.phases[0]!, status: 'done', durationMs: 1234, detail: 'ok' };
  st.phases[1] = { ...st.phases[1]!, status: 'failed', durationMs: 50, detail: 'boom' };
  st.status = 'failed';
  st.error = { phase: 'backup', message: 'boom' };
  const r = buildReport(PLAN, st, '/w/switch-state.json', { rollback: 'plinth upgrade rollback --plan /p/plan.yaml', resume: 'plinth upgrade switch --plan /p/plan.yaml' });
  assert.equal(r.totalSeconds, 1.3);
  assert.deepEqual(r.phases.map((p) => [p.name, p.status, p.seconds]), [['init', 'done', 1.2], ['backup', 'failed', 0.1], ['clean', 'pending', null]]);
  const text = renderReport(r);
  assert.match(text, /^switch failed \(target v1\.34, work dir \/w\)\nPHASE\s+STATUS\s+TIME\s+WHAT\s+DETAIL\n/);
  assert.match(text, /\ninit\s+done\s+1\.2s\s+do init\s+ok\n/);
  assert.match(text, /\nclean\s+pending\s+-\s+do clean\s+<none>\n/);
  assert.match(text, /\ntotal\s+failed\s+1\.3s\s+<none>\s+serving: old\n/);
  assert.match(text, /the old control plane was not stopped; to restore it anyway: plinth upgrade rollback --plan \/p\/plan\.yaml\n$/);
  const afterClean = { ...r, phases: r.phases.map((p) => (p.name === 'clean' ? { ...p, status: 'failed' } : p)) };
  assert.match(renderReport(afterClean), /roll back to the old control plane: plinth upgrade rollback --plan \/p\/plan\.yaml\n$/);
  assert.doesNotMatch(renderReport({ ...r, status: 'done' }), /roll back/);
  assert.match(renderReport(r, true), /LOG/);
});
