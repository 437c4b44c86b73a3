import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerToken, callerOfCertificate } from './identity.js';

test('a certificate names its CN as the user and every O as a group, plus system:authenticated', () => {
  assert.deepEqual(callerOfCertificate({ CN: 'plinth:member:a', O: 'plinth:members' }), {
    user: 'plinth:member:a',
    groups: ['plinth:members', 'system:authenticated'],
    via: 'client-certificate',
  });
  // Node gives a multi-valued RDN as an array.
  assert.deepEqual(callerOfCertificate({ CN: 'u', O: ['g1', 'g2', 'g1'] })?.groups, ['g1', 'g2', 'system:authenticated']);
  assert.deepEqual(callerOfCertificate({ CN: 'u' })?.groups, ['system:authenticated']);
  assert.equal(callerOfCertificate({ O: 'system:masters' }), undefined, 'no CN: nobody');
  assert.equal(callerOfCertificate({ CN: '' }), undefined);
  assert.equal(callerOfCertificate(undefined), undefined);
});

test('bearer tokens: the Bearer scheme only, any case, one token', () => {
  assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
  assert.equal(bearerToken('bearer   abc '), 'abc');
  assert.equal(bearerToken('Basic dXNlcjpwYXNz'), undefined);
  assert.equal(bearerToken('Bearer'), undefined);
  assert.equal(bearerToken('Bearer a b'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
