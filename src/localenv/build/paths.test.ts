import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, layout } from './paths.js';

void test('cacheDir prefers PLINTH_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
  assert.equal(cacheDir({ PLINTH_CACHE_DIR: '/p', XDG_CACHE_HOME: '/x' }), '/p');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/x' }), '/x/plinth');
  assert.equal(cacheDir({ PLINTH_CACHE_DIR: '', XDG_CACHE_HOME: '' }), join(homedir(), '.cache', 'plinth'));
});

void test('layout keys every entry by component and version', () => {
  const l = layout('/c');
  assert.equal(l.install('kubernetes', 'v1.24.17'), '/c/kubernetes/v1.24.17');
  assert.equal(l.manifest('etcd', 'v3.5.35'), '/c/etcd/v3.5.35/manifest.json');
  assert.equal(l.tempPrefix('kwok', 'v0.7.0'), '/c/kwok/.tmp-v0.7.0-');
  assert.equal(l.work('kubernetes', 'v1.34.4'), '/c/work/kubernetes-v1.34.4');
  assert.equal(l.lock('kubernetes', 'v1.34.4'), '/c/locks/kubernetes-v1.34.4.lock');
  assert.equal(l.log('v1.34.4'), '/c/logs/build-v1.34.4.log');
});
