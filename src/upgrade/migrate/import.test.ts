import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeApiError } from '../../kube/api-error.js';
import { clusterIpRefused } from './import.js';

const invalid = (field: string, message: string): KubeApiError =>
  new KubeApiError({ status: 422, reason: 'Invalid', message, verb: 'PATCH', target: 'services/web', statusObject: { kind: 'Status', details: { causes: [{ field, message }] } } });

test('a 422 naming spec.clusterIP(s) means the requested cluster IPs were refused; other errors do not', () => {
  assert.ok(clusterIpRefused(invalid('spec.clusterIPs', 'failed to allocate IP 10.0.0.9: the provided network does not match the current range')));
  assert.ok(clusterIpRefused(invalid('spec.clusterIPs[0]', 'provided IP is already allocated')));
  assert.ok(clusterIpRefused(invalid('spec.clusterIP', 'field is immutable')));
  assert.ok(!clusterIpRefused(invalid('spec.ports[0].port', 'must be between 1 and 65535')));
  assert.ok(!clusterIpRefused(new KubeApiError({ status: 409, message: 'conflict', verb: 'PATCH', target: 'services/web' })));
  assert.ok(!clusterIpRefused(new Error('socket hang up')));
});
