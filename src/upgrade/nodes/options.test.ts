import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlinthError } from '../../errors/index.js';
import { checkRunName, checkSelector, parseDuration, parseMaxUnavailable, parseSettings, windowSize } from './options.js';

const msg = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlinthError);
    return err.message;
  }
  assert.fail('expected an error');
};

test('--max-unavailable: counts and percentages; 0, >100% and words refused', () => {
  assert.equal(parseMaxUnavailable('3'), '3');
  assert.equal(parseMaxUnavailable('25%'), '25%');
  assert.match(msg(() => parseMaxUnavailable('0')), /0 would never upgrade a node/);
  assert.match(msg(() => parseMaxUnavailable('0%')), /not a percentage from 1% to 100%/);
  assert.match(msg(() => parseMaxUnavailable('101%')), /not a percentage/);
  assert.match(msg(() => parseMaxUnavailable('two')), /not a number or a percentage/);
  assert.match(msg(() => parseMaxUnavailable('-1')), /not a number/);
  assert.match(msg(() => parseMaxUnavailable(undefined)), /required/);
});

test('window size: percentages round down but are at least 1', () => {
  assert.equal(windowSize('10%', 1000), 100);
  assert.equal(windowSize('10%', 5), 1);
  assert.equal(windowSize('100%', 7), 7);
  assert.equal(windowSize('4', 2), 4);
});

test('durations', () => {
  assert.equal(parseDuration('--x', '30s'), 30_000);
  assert.equal(parseDuration('--x', '1m30s'), 90_000);
  assert.equal(parseDuration('--x', '250ms'), 250);
  assert.equal(parseDuration('--x', '2h'), 7_200_000);
  assert.match(msg(() => parseDuration('--drain-timeout', '10')), /invalid --drain-timeout: "10" is not a positive duration/);
  assert.match(msg(() => parseDuration('--x', '0s')), /not a positive duration/);
});

test('label selectors: kubectl syntax accepted, garbage refused', () => {
  for (const ok of ['', 'role=worker', 'role==worker,zone!=a', 'zone in (a, b),!gpu', 'node.kubernetes.io/pool notin (x)', 'gpu'])
    assert.doesNotThrow(() => checkSelector(ok), ok);
  for (const bad of ['role in (a', 'a b', '=x', 'role=work er', 'zone in a'])
    assert.match(msg(() => checkSelector(bad)), /is not a label selector/, bad);
});

test('settings: exactly one action; ssh needs its command; simulate implies the expected version', () => {
  assert.match(msg(() => parseSettings({ maxUnavailable: '1' })), /upgrade action: none given/);
  assert.match(msg(() => parseSettings({ maxUnavailable: '1', exec: 'x', ssh: 'a@{node}' })), /--exec and --ssh were both given/);
  assert.match(msg(() => parseSettings({ maxUnavailable: '1', ssh: 'a@{node}' })), /--ssh-command.*required/);
  assert.match(msg(() => parseSettings({ maxUnavailable: '1', exec: 'x', sshCommand: 'y' })), /--ssh-command: it needs --ssh/);
  assert.match(msg(() => parseSettings({ maxUnavailable: '1', simulateVersion: 'latest' })), /not a Kubernetes version/);
  assert.match(msg(() => parseSettings({ maxUnavailable: '1', exec: 'x', onFailure: 'retry' })), /--on-failure/);
  const s = parseSettings({ maxUnavailable: '10%', simulateVersion: '1.34.4' });
  assert.deepEqual(s.action, { kind: 'simulate', version: 'v1.34.4' });
  assert.equal(s.expectVersion, 'v1.34.4');
  assert.equal(s.onFailure, 'stop');
  assert.equal(s.deleteEmptyDirData, false);
  const e = parseSettings({ maxUnavailable: '2', exec: './up.sh {node}', kubeletVersion: 'v1.30.1', drainTimeout: '1m' });
  assert.equal(e.expectVersion, 'v1.30.1');
  assert.equal(e.drainTimeoutMs, 60_000);
});

test('settings: --preflight goes with --exec or --ssh, not with --simulate-version, and is not empty', () => {
  assert.deepEqual(parseSettings({ maxUnavailable: '1', exec: 'up {node}', preflight: 'test -x up' }).action, { kind: 'exec', command: 'up {node}', preflight: 'test -x up' });
  assert.deepEqual(parseSettings({ maxUnavailable: '1', ssh: 'a@{node}', sshCommand: 'up', preflight: 'uptime' }).action, { kind: 'ssh', target: 'a@{node}', command: 'up', preflight: 'uptime' });
  assert.deepEqual(parseSettings({ maxUnavailable: '1', ssh: 'a@{node}', sshCommand: 'up' }).action, { kind: 'ssh', target: 'a@{node}', command: 'up' });
  assert.match(msg(() => parseSettings({ maxUnavailable: '1', simulateVersion: 'v1.35.0', preflight: 'true' })), /invalid --preflight: it is not used with --simulate-version/);
  assert.match(msg(() => parseSettings({ maxUnavailable: '1', exec: 'x', preflight: ' ' })), /invalid --preflight: the command is empty/);
});

test('run names', () => {
  assert.equal(checkRunName(undefined), 'default');
  assert.equal(checkRunName('pool-a'), 'pool-a');
  assert.match(msg(() => checkRunName('Pool_A')), /not a valid run name/);
});
