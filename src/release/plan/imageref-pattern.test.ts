import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMAGE_REFERENCE_PATTERN } from '../../api/release/image-pattern.js';
import { isValidImageReference } from './imageref.js';

const re = new RegExp(IMAGE_REFERENCE_PATTERN);

test('the CRD image pattern accepts what the release planner accepts and refuses what it refuses', () => {
  const good = [
    'nginx',
    'nginx:1.25',
    'library/nginx:latest',
    'registry.local/web:2',
    'registry.corp:5000/team/web:V2',
    'localhost/web',
    '[::1]:5000/web:1',
    `web@sha256:${'a'.repeat(64)}`,
    `registry.local/web:2@sha512:${'0'.repeat(128)}`,
    'a__b/c-d/e---f:tag_1.2-x',
  ];
  const bad = [
    '',
    'nginx:::bad tag',
    'nginx:bad tag',
    'registry.local/Web:2',
    'Web',
    'web:-x',
    'web//x',
    '/web',
    'web/',
    `web@sha256:${'a'.repeat(63)}`,
    'web@md5:abc',
    'web:',
  ];
  for (const g of good) {
    assert.ok(re.test(g), `pattern refuses ${g}`);
    assert.ok(isValidImageReference(g), `planner refuses ${g}`);
  }
  for (const b of bad) {
    assert.ok(!re.test(b), `pattern accepts ${JSON.stringify(b)}`);
    assert.ok(!isValidImageReference(b), `planner accepts ${JSON.stringify(b)}`);
  }
});
