import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../errors/index.js';
import { LinkCodes } from './admin-link.js';
import { parseListen } from './run.js';

test('parseListen reads HOST:PORT, [IPv6]:PORT and :PORT; refuses the rest', () => {
  assert.deepEqual(parseListen('127.0.0.1:8443'), { host: '127.0.0.1', port: 8443 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListen(':9000'), { host: '127.0.0.1', port: 9000 });
  for (const bad of ['8443', 'host:', 'host:99999', '::1:80']) assert.throws(() => parseListen(bad), PlinthError, bad);
});

test('a sign-in link code redeems once, and not after its lifetime', () => {
  let t = 0;
  const links = new LinkCodes(() => t);
  const id = { user: 'system:serviceaccount:plinth-system:plinth-console-admin', groups: [], via: 'token' as const };
  const once = links.issue(id, 1000);
  assert.deepEqual(links.redeem(once), id);
  assert.equal(links.redeem(once), undefined);
  const late = links.issue(id, 1000);
  t = 1000;
  assert.equal(links.redeem(late), undefined);
  assert.equal(links.redeem('unknown'), undefined);
});
