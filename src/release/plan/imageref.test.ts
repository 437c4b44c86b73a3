import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidImageReference, parseImageReference } from './imageref.js';

const SHA256 = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
const SHA512 = 'f'.repeat(128);

test('valid image references', () => {
  const valid = [
    'nginx',
    'nginx:1.25',
    'nginx:latest',
    'library/nginx',
    'docker.io/library/nginx:1.25.3-alpine',
    'registry.corp:5000/team/app:v1',
    'localhost/app',
    'localhost:5000/app:dev',
    '127.0.0.1:5000/app',
    '[::1]:5000/app:1',
    '[2001:db8::1]/app',
    'Registry.Corp/app',
    'registry.corp/a.b_c__d-e--f/g',
    'quay.io/org/app:V1_2.3-rc',
    'registry.corp/app:_tag',
    `gcr.io/google-containers/pause@sha256:${SHA256}`,
    `nginx:1.25@sha256:${SHA256}`,
    `app@sha512:${SHA512}`,
    `app@sha384:${'b'.repeat(96)}`,
    `app:${'t'.repeat(128)}`,
    'registry.corp:5000', // Docker reads this as repository "registry.corp" with tag "5000"
    'a/b/c/d/e',
    '0/1',
  ];
  for (const ref of valid) assert.ok(isValidImageReference(ref), `${ref}: ${JSON.stringify(parseImageReference(ref))}`);
});

test('invalid image references, each with a reason', () => {
  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['Nginx', /lower case/],
    ['library/Nginx', /lower case/],
    ['my app', /white space/],
    [' nginx', /white space/],
    ['nginx:', /tag "" is not valid/],
    ['nginx:-tag', /tag "-tag"/],
    ['nginx:.tag', /tag ".tag"/],
    [`nginx:${'t'.repeat(129)}`, /tag/],
    ['nginx:a/b', /registry "nginx:a"/], // a ":" before the last "/" is not a tag: "nginx:a" is read as a registry with a bad port
    ['nginx@sha256:abc', /right number of lower-case hex/],
    [`nginx@sha256:${SHA256.toUpperCase()}`, /lower-case hex/],
    [`nginx@md5:${'a'.repeat(32)}`, /"md5" is not supported/],
    [`nginx@${SHA256}`, /algorithm:hex/],
    [`nginx@sha256:${SHA256}:x`, /hex/],
    ['registry.corp//app', /empty component/],
    ['/app', /empty component/],
    ['app/', /empty component/],
    ['app::tag', /may hold only/],
    ['a__-b', /may hold only/],
    ['a..b', /may hold only/],
    ['a-', /may hold only/],
    ['-a', /may hold only/],
    ['_a', /may hold only/],
    ['registry.corp:port/app', /registry "registry.corp:port"/],
    ['-registry.corp/app', /registry/],
    ['registry_corp.io/app', /registry/],
    ['https://registry.corp/app', /registry "https:"/],
    [':tag', /no repository name/],
    [`@sha256:${SHA256}`, /no repository name/],
    [`registry.corp/${'a'.repeat(250)}`, /longer than 255/],
  ];
  for (const [ref, why] of invalid) {
    const r = parseImageReference(ref);
    assert.equal(r.ok, false, `${ref} should be invalid`);
    if (!r.ok) assert.match(r.error, why, ref);
  }
});

test('parseImageReference splits the parts', () => {
  assert.deepEqual(parseImageReference(`registry.corp:5000/team/app:v1@sha256:${SHA256}`), {
    ok: true,
    value: { domain: 'registry.corp:5000', path: 'team/app', tag: 'v1', digest: `sha256:${SHA256}` },
  });
  assert.deepEqual(parseImageReference('library/nginx'), { ok: true, value: { path: 'library/nginx' } });
  assert.deepEqual(parseImageReference('localhost/app:1'), { ok: true, value: { domain: 'localhost', path: 'app', tag: '1' } });
  assert.deepEqual(parseImageReference('Team/app'), { ok: true, value: { domain: 'Team', path: 'app' } }, 'an upper-case first component is a registry, as in Docker');
});
