import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { compareWithIndex, differences, exportDigest, objectFilesOnDisk, sha256Hex } from './integrity.js';
import { INDEX_FORMAT, type ExportIndex, type IndexEntry } from './types.js';

const A = 'objects/apps/Deployment/shop/web.yaml';
const B = 'objects/core/ConfigMap/shop/cfg.yaml';

function index(objects: IndexEntry[], digest?: string): ExportIndex {
  return { format: INDEX_FORMAT, createdAt: '', source: { server: '', gitVersion: 'v1.24.17', minor: 24 }, includeStatus: false, resources: [], objects, skipped: [], ...(digest ? { digest } : {}) };
}
const entry = (path: string, sha256?: string, hash = 'h'): IndexEntry => ({ path, apiVersion: 'v1', kind: 'X', resource: 'xs', name: 'n', hash, ...(sha256 ? { sha256 } : {}) });

test('the export digest is what `sha256sum` over the sorted object files, hashed, gives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plinth-digest-'));
  try {
    const files = { [A]: 'kind: Deployment\n', [B]: 'kind: ConfigMap\n', 'objects/core/ConfigMap/shop/cfg-2.yaml': 'x\n' };
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    const ours = exportDigest(Object.entries(files).map(([path, text]) => ({ path, sha256: sha256Hex(text) })));
    const shell = execFileSync('sh', ['-c', 'find objects -type f | LC_ALL=C sort | xargs sha256sum | sha256sum'], { cwd: dir, encoding: 'utf8' }).split(' ')[0];
    assert.equal(ours, shell);
    assert.deepEqual(objectFilesOnDisk(dir), Object.keys(files).sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a modified, an added and a removed file are each named; the same files are not', () => {
  const idx = index([entry(A, sha256Hex('a')), entry(B, sha256Hex('b'))]);
  idx.digest = exportDigest(idx.objects);
  const same = compareWithIndex(idx, new Map([[A, sha256Hex('a')], [B, sha256Hex('b')]]));
  assert.deepEqual(differences(same), []);
  assert.equal(same.digest, idx.digest, 'the digest of the files read is the index digest');
  assert.equal(same.checkedBy, 'sha256');
  const r = compareWithIndex(idx, new Map([[A, sha256Hex('a, edited')], ['objects/core/ConfigMap/shop/new.yaml', sha256Hex('n')]]));
  assert.deepEqual(differences(r), [`${A} modified`, 'objects/core/ConfigMap/shop/new.yaml added', `${B} removed`]);
  assert.notEqual(r.digest, idx.digest);
});

test('an index whose digest was edited (its entries not) is a difference of index.json', () => {
  const idx = index([entry(A, sha256Hex('a'))], 'f'.repeat(64));
  const r = compareWithIndex(idx, new Map([[A, sha256Hex('a')]]));
  assert.equal(r.indexModified, true);
  assert.match(differences(r)[0]!, /^index\.json/);
});

test('an export without file digests (an older Plinth) is checked by content hash, with a warning', () => {
  const idx = index([entry(A, undefined, 'hash-a'), entry(B, undefined, 'hash-b')]);
  const files = new Map([[A, sha256Hex('reformatted')], [B, sha256Hex('b')]]);
  const ok = compareWithIndex(idx, files, new Map([[A, 'hash-a'], [B, 'hash-b']]));
  assert.deepEqual(differences(ok), [], 'a file reformatted with the same content is the same object');
  assert.equal(ok.checkedBy, 'content-hash');
  assert.match(ok.warnings[0] ?? '', /without file digests/);
  const bad = compareWithIndex(idx, files, new Map([[A, 'hash-a'], [B, 'other']]));
  assert.deepEqual(differences(bad), [`${B} modified`]);
});
