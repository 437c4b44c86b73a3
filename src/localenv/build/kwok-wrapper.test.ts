import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KWOK_DIRECT_MODULES, kwokGoMod, KWOK_MAIN_GO } from './kwok-wrapper.js';

void test('kwokGoMod: kwok and the directly imported modules at the versions given, with kwok\'s go directive', () => {
  const mod = kwokGoMod({ kwok: 'v0.7.0', goVersion: '1.24.0', requires: { 'github.com/spf13/pflag': 'v1.0.6', 'k8s.io/api': 'v0.33.0', 'k8s.io/apimachinery': 'v0.33.1' } });
  assert.match(mod, /^module plinth\.local\/kwok$/m);
  assert.match(mod, /^go 1\.24\.0$/m);
  assert.match(mod, /^\tsigs\.k8s\.io\/kwok v0\.7\.0$/m);
  assert.match(mod, /^\tk8s\.io\/apimachinery v0\.33\.1$/m);
  for (const m of KWOK_DIRECT_MODULES) assert.ok(mod.includes(`\t${m} v`), m);
});

void test('KWOK_MAIN_GO imports exactly the modules the go.mod requires directly (besides kwok)', () => {
  const imports = [...KWOK_MAIN_GO.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).filter((p) => p.includes('.') && !p.startsWith('sigs.k8s.io/kwok/'));
  for (const p of imports) assert.ok(KWOK_DIRECT_MODULES.some((m) => p === m || p.startsWith(`${m}/`)), `${p} is imported but its module is not required`);
  for (const m of KWOK_DIRECT_MODULES) assert.ok(imports.some((p) => p === m || p.startsWith(`${m}/`)), `${m} is required but not imported`);
});
