import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../../../errors/index.js';
import { parseLabels } from './provider.js';

test('--labels takes comma-separated key=value pairs; a value may hold "="; empty is none', () => {
  assert.deepEqual(parseLabels('tier=edge, region=west,arch=arm64'), { tier: 'edge', region: 'west', arch: 'arm64' });
  assert.deepEqual(parseLabels('note=a=b'), { note: 'a=b' });
  assert.deepEqual(parseLabels(''), {});
});

test('a pair without a key or without "=" is refused, naming it', () => {
  for (const bad of ['tier', '=edge', 'tier=edge,region']) {
    assert.throws(() => parseLabels(bad), (e: unknown) => e instanceof PlinthError && e.code === 'INVALID_ARGUMENT' && /--labels/.test(e.message));
  }
});
