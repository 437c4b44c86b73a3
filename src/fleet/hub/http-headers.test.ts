import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsGzip, etagMatches, etagOf } from './http-headers.js';

test('Accept-Encoding: gzip unless refused with q=0; * counts when gzip is not named', () => {
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('br, gzip;q=0.5, deflate'), true);
  assert.equal(acceptsGzip('GZIP'), true);
  assert.equal(acceptsGzip('x-gzip'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('*;q=0'), false);
  assert.equal(acceptsGzip('gzip;q=0, *'), false, 'gzip named explicitly decides');
  assert.equal(acceptsGzip('br, deflate'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip(''), false);
  assert.equal(acceptsGzip(undefined), false);
});

test('If-None-Match: the digest ETag, strong or weak, in a list, or *', () => {
  const d = `sha256:${'0'.repeat(64)}`;
  const e = etagOf(d);
  assert.equal(e, `"${d}"`);
  assert.equal(etagMatches(e, e), true);
  assert.equal(etagMatches(`"x", ${e}`, e), true);
  assert.equal(etagMatches(`W/${e}`, e), true);
  assert.equal(etagMatches('*', e), true);
  assert.equal(etagMatches(d, e), false, 'unquoted is not an ETag');
  assert.equal(etagMatches(`"sha256:${'1'.repeat(64)}"`, e), false);
  assert.equal(etagMatches(undefined, e), false);
});
