import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { hmacSha256Hex, isPingEvent, verifyWebhookSignature } from './webhook-signature.js';

const SECRET = "It's a Secret to Everybody";
const BODY = Buffer.from('Hello, World!');
// The example in GitHub's "Validating webhook deliveries" documentation.
const GITHUB_DOC_SIG = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

test('GitHub X-Hub-Signature-256: the documented example verifies; a changed body, secret or digit does not', () => {
  assert.equal(`sha256=${hmacSha256Hex(SECRET, BODY)}`, GITHUB_DOC_SIG);
  assert.deepEqual(verifyWebhookSignature({ 'x-hub-signature-256': GITHUB_DOC_SIG }, BODY, SECRET), { ok: true, format: 'github' });
  assert.deepEqual(verifyWebhookSignature({ 'x-hub-signature-256': GITHUB_DOC_SIG.toUpperCase().replace('SHA256=', 'sha256=') }, BODY, SECRET), { ok: true, format: 'github' });
  assert.equal(verifyWebhookSignature({ 'x-hub-signature-256': GITHUB_DOC_SIG }, Buffer.from('Hello, World?'), SECRET).ok, false);
  assert.equal(verifyWebhookSignature({ 'x-hub-signature-256': GITHUB_DOC_SIG }, BODY, 'another secret').ok, false);
  assert.equal(verifyWebhookSignature({ 'x-hub-signature-256': `${GITHUB_DOC_SIG.slice(0, -1)}8` }, BODY, SECRET).ok, false);
  assert.equal(verifyWebhookSignature({ 'x-hub-signature-256': GITHUB_DOC_SIG.slice(0, -2) }, BODY, SECRET).ok, false, 'a short hex value');
  assert.equal(verifyWebhookSignature({ 'x-hub-signature-256': 'sha256=zz' }, BODY, SECRET).ok, false, 'not hex');
});

test('GitHub: a sha1= value, a bare hex value and the SHA-1 header alone are refused', () => {
  const sha1 = `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}`;
  const a = verifyWebhookSignature({ 'x-hub-signature-256': sha1 }, BODY, SECRET);
  assert.equal(a.ok, false);
  assert.match(!a.ok ? a.reason : '', /"sha1"/);
  const b = verifyWebhookSignature({ 'x-hub-signature-256': hmacSha256Hex(SECRET, BODY) }, BODY, SECRET);
  assert.equal(b.ok, false, 'the sha256= prefix is required');
  const c = verifyWebhookSignature({ 'x-hub-signature': sha1 }, BODY, SECRET);
  assert.equal(c.ok, false);
  assert.match(!c.ok ? c.reason : '', /SHA-1/);
});

test('Gitea X-Gitea-Signature (and Gogs) is the bare hex HMAC-SHA256', () => {
  const hex = hmacSha256Hex(SECRET, BODY);
  assert.deepEqual(verifyWebhookSignature({ 'x-gitea-signature': hex }, BODY, SECRET), { ok: true, format: 'gitea' });
  assert.deepEqual(verifyWebhookSignature({ 'x-gogs-signature': hex }, BODY, SECRET), { ok: true, format: 'gitea' });
  assert.equal(verifyWebhookSignature({ 'x-gitea-signature': `sha256=${hex}` }, BODY, SECRET).ok, false);
  assert.equal(verifyWebhookSignature({ 'x-gitea-signature': hmacSha256Hex('x', BODY) }, BODY, SECRET).ok, false);
});

test('GitLab X-Gitlab-Token is the secret itself, whatever the body', () => {
  assert.deepEqual(verifyWebhookSignature({ 'x-gitlab-token': SECRET }, BODY, SECRET), { ok: true, format: 'gitlab' });
  assert.deepEqual(verifyWebhookSignature({ 'x-gitlab-token': SECRET }, Buffer.from('{}'), SECRET), { ok: true, format: 'gitlab' });
  assert.equal(verifyWebhookSignature({ 'x-gitlab-token': `${SECRET} ` + 'x' }, BODY, SECRET).ok, false);
  assert.equal(verifyWebhookSignature({ 'x-gitlab-token': SECRET.slice(0, 5) }, BODY, SECRET).ok, false, 'a prefix of the secret');
});

test('the first signature header present decides; none at all or an empty secret is refused', () => {
  const good = hmacSha256Hex(SECRET, BODY);
  // A good Gitea signature does not rescue a bad GitHub one sent alongside it.
  assert.equal(verifyWebhookSignature({ 'x-hub-signature-256': 'sha256=' + '0'.repeat(64), 'x-gitea-signature': good }, BODY, SECRET).ok, false);
  assert.deepEqual(verifyWebhookSignature({ 'x-hub-signature-256': `sha256=${good}`, 'x-gitea-signature': good }, BODY, SECRET), { ok: true, format: 'github' });
  assert.deepEqual(verifyWebhookSignature({ 'x-hub-signature-256': [`sha256=${good}`, 'junk'] }, BODY, SECRET), { ok: true, format: 'github' });
  const none = verifyWebhookSignature({ 'content-type': 'application/json' }, BODY, SECRET);
  assert.equal(none.ok, false);
  assert.match(!none.ok ? none.reason : '', /no signature header/);
  assert.equal(verifyWebhookSignature({ 'x-hub-signature-256': '' }, BODY, SECRET).ok, false);
  assert.equal(verifyWebhookSignature({ 'x-gitlab-token': '' }, BODY, '').ok, false);
});

test("GitHub's and Gitea's ping events are recognised; pushes are not pings", () => {
  const ping = Buffer.from(JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }));
  const headers = { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${hmacSha256Hex(SECRET, ping)}` };
  assert.deepEqual(verifyWebhookSignature(headers, ping, SECRET), { ok: true, format: 'github' }, 'a ping is signed like any event');
  assert.equal(isPingEvent(headers), true);
  assert.equal(isPingEvent({ 'x-gitea-event': 'PING' }), true);
  assert.equal(isPingEvent({ 'x-github-event': 'push' }), false);
  assert.equal(isPingEvent({ 'x-gitlab-event': 'Push Hook' }), false);
  assert.equal(isPingEvent({}), false);
});
