import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsArg, planMembers } from './plan.js';

test('three members: two provinces and one arm64 edge cluster, in different regions', () => {
  const m = planMembers('plinth', 3);
  assert.deepEqual(
    m.map((x) => [x.name, x.localName, x.tier, x.region, x.arch]),
    [
      ['province-1', 'plinth-province-1', 'province', 'north', 'amd64'],
      ['province-2', 'plinth-province-2', 'province', 'south', 'amd64'],
      ['edge-1', 'plinth-edge-1', 'edge', 'east', 'arm64'],
    ],
  );
  assert.deepEqual(m[2]!.labels, { tier: 'edge', region: 'east', arch: 'arm64' });
});

test('one member is a province on amd64; 32 are 16 provinces and 16 edges with exactly one arm64', () => {
  assert.deepEqual(planMembers('h', 1).map((x) => [x.name, x.arch]), [['province-1', 'amd64']]);
  const many = planMembers('h', 32);
  assert.equal(many.filter((x) => x.tier === 'province').length, 16);
  assert.equal(many.filter((x) => x.tier === 'edge').length, 16);
  assert.deepEqual(many.filter((x) => x.arch === 'arm64').map((x) => x.name), ['edge-16']);
  assert.equal(new Set(many.map((x) => x.name)).size, 32);
  assert.deepEqual([...new Set(many.map((x) => x.region))].sort(), ['east', 'north', 'south', 'west']);
});

test('names of different hubs never collide; labels render as the join flag takes them', () => {
  assert.notEqual(planMembers('a', 2)[0]!.localName, planMembers('b', 2)[0]!.localName);
  assert.equal(labelsArg({ tier: 'edge', region: 'east' }), 'tier=edge,region=east');
  assert.deepEqual(planMembers('h', 0), []);
});
