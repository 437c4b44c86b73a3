import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleasePolicy } from '../../api/index.js';
import { validCondition } from './validity.js';

function policy(preChecks: ReleasePolicy['spec']['preChecks']): ReleasePolicy {
  return { apiVersion: 'apps.plinth.dev/v1alpha1', kind: 'ReleasePolicy', metadata: { name: 'p', namespace: 'ns' }, spec: { selector: {}, onFailure: 'Pause', ...(preChecks ? { preChecks } : {}) } };
}

test('a broken blackout window makes Valid False, naming the fields and the values given', () => {
  const c = validCondition(policy({ blackoutWindows: [{ name: 'peak', timeZone: 'Europe/Londn', cron: '61 25 * * 8', durationMinutes: 60 }] }));
  assert.equal(c.status, 'False');
  assert.equal(c.reason, 'InvalidPolicy');
  assert.match(c.message, /spec\.preChecks\.blackoutWindows\[0\]\.timeZone: unknown time zone "Europe\/Londn"; use an IANA name/);
  assert.match(c.message, /spec\.preChecks\.blackoutWindows\[0\]\.cron: "61 25 \* \* 8" is not a valid cron expression/);
  assert.match(c.message, /every release it selects is Blocked/);
});

test('a bad imagePattern makes Valid False; a sound policy is Valid', () => {
  const bad = validCondition(policy({ parameters: { imagePattern: '^registry.local/(', requireResources: true } }));
  assert.equal(bad.status, 'False');
  assert.match(bad.message, /spec\.preChecks\.parameters\.imagePattern: "\^registry\.local\/\(" is not a valid regular expression/);
  const ok = validCondition(policy({ blackoutWindows: [{ name: 'peak', timeZone: 'Europe/London', cron: '0 9 * * 1-5', durationMinutes: 60 }] }));
  assert.deepEqual([ok.status, ok.reason], ['True', 'Valid']);
  assert.equal(validCondition(policy(undefined)).status, 'True');
});
