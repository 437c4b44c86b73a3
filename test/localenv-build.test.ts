// End-to-end check of src/localenv/build: really builds both Kubernetes versions (cold: tens of
// minutes on 2 cores; `npm test` prepares them first, so normally this only reads the cache) and
// runs every binary's --version against the pins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cachedBinaries, ensureBinaries, versions, type KubeVersionName } from '../src/localenv/build/index.js';

const execFileP = promisify(execFile);

async function versionOf(binary: string): Promise<string> {
  const { stdout, stderr } = await execFileP(binary, ['--version'], { timeout: 30_000 });
  return `${stdout}${stderr}`;
}

for (const name of ['old', 'new'] as const satisfies readonly KubeVersionName[]) {
  void test(`ensureBinaries('${name}') gives binaries that report the pinned versions`, { timeout: 120 * 60_000 }, async () => {
    const pins = versions();
    const b = await ensureBinaries(name);
    assert.equal(b.version, pins[name].kubernetes);
    for (const bin of [b.kubeApiserver, b.kubeControllerManager, b.kubeScheduler]) {
      assert.match(await versionOf(bin), new RegExp(`^Kubernetes ${b.version.replace(/\./g, '\\.')}$`, 'm'), bin);
    }
    assert.match(await versionOf(b.etcd), new RegExp(`^etcd Version: ${pins.etcd.slice(1).replace(/\./g, '\\.')}$`, 'm'));
    assert.match(await versionOf(b.kwok), new RegExp(`\\b${pins.kwok.replace(/\./g, '\\.')}\\b`));

    // Once built, the cache answers without building, in well under a second.
    const t0 = Date.now();
    assert.deepEqual(await ensureBinaries(name), b);
    assert.deepEqual(await cachedBinaries(name), b);
    assert.ok(Date.now() - t0 < 2000, `cached lookups took ${Date.now() - t0} ms`);
  });
}
