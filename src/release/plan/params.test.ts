import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkParameters, quantitySign, type ParameterPolicy } from './params.js';
import type { PodTemplateLike } from './revision.js';

const res = { requests: { cpu: '100m', memory: '128Mi' } };
function tpl(containers: Record<string, unknown>[], initContainers?: Record<string, unknown>[]): PodTemplateLike {
  return { metadata: { labels: { app: 'web' } }, spec: { containers, ...(initContainers ? { initContainers } : {}) } };
}
const strict: ParameterPolicy = { requireResources: true, imagePattern: '^registry\\.corp/' };
const fields = (t: PodTemplateLike, p: ParameterPolicy | undefined): string[] => checkParameters(t, p).map((x) => x.field);

test('a good template has no problems', () => {
  const t = tpl([{ name: 'app', image: 'registry.corp/web:1.0', resources: res }], [{ name: 'init', image: 'registry.corp/init:1', resources: res }]);
  assert.deepEqual(checkParameters(t, strict), []);
  assert.deepEqual(checkParameters(t, undefined), []);
});

test('a template without containers is a problem', () => {
  assert.deepEqual(fields({ spec: {} }, undefined), ['spec.template.spec.containers']);
  assert.deepEqual(fields(tpl([]), undefined), ['spec.template.spec.containers']);
  assert.deepEqual(fields({}, strict), ['spec.template.spec.containers']);
});

test('image syntax is always checked, in containers and init containers', () => {
  const t = tpl([{ name: 'app', image: 'Registry.corp/Web' }, { name: 'b', image: 'ok:1' }], [{ name: 'init', image: 'bad image' }]);
  const problems = checkParameters(t, undefined);
  assert.deepEqual(problems.map((p) => p.field), ['spec.template.spec.containers[0].image', 'spec.template.spec.initContainers[0].image']);
  assert.match(problems[0]!.message, /"Registry.corp\/Web" is not a valid image reference: .*lower case/);
});

test('a missing image is a problem', () => {
  const problems = checkParameters(tpl([{ name: 'app' }, { name: 'b', image: '' }]), undefined);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!.message, /container "app" has no image/);
});

test('imagePattern must match every image', () => {
  const t = tpl([{ name: 'app', image: 'registry.corp/web:1', resources: res }, { name: 'side', image: 'docker.io/proxy:2', resources: res }]);
  const problems = checkParameters(t, strict);
  assert.deepEqual(problems.map((p) => p.field), ['spec.template.spec.containers[1].image']);
  assert.match(problems[0]!.message, /"docker.io\/proxy:2" does not match the release policy's imagePattern "\^registry\\\\.corp\/"/);
  // searched, not anchored
  assert.deepEqual(checkParameters(t, { requireResources: true, imagePattern: 'corp|docker' }), []);
});

test('an invalid imagePattern is reported against the policy and not applied', () => {
  const t = tpl([{ name: 'app', image: 'anything:1', resources: res }]);
  const problems = checkParameters(t, { requireResources: true, imagePattern: '(unclosed' });
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.field, 'spec.preChecks.parameters.imagePattern');
  assert.match(problems[0]!.message, /not a valid regular expression/);
  assert.deepEqual(checkParameters(t, { requireResources: true, imagePattern: '' }), [], 'an empty pattern checks nothing');
});

test('requireResources: cpu and memory requests on every container', () => {
  const t = tpl(
    [{ name: 'app', image: 'a:1', resources: { requests: { cpu: '1' } } }, { name: 'b', image: 'b:1' }],
    [{ name: 'init', image: 'i:1', resources: { requests: { memory: '1Gi' } } }],
  );
  assert.deepEqual(fields(t, { requireResources: true }), [
    'spec.template.spec.containers[0].resources.requests.memory',
    'spec.template.spec.containers[1].resources.requests.cpu',
    'spec.template.spec.containers[1].resources.requests.memory',
    'spec.template.spec.initContainers[0].resources.requests.cpu',
  ]);
  assert.match(checkParameters(t, { requireResources: true })[0]!.message, /container "app" has no memory request/);
});

test('requireResources defaults to true; false or no policy turns it off', () => {
  const t = tpl([{ name: 'app', image: 'a:1' }]);
  assert.equal(checkParameters(t, {} as ParameterPolicy).length, 2);
  assert.deepEqual(checkParameters(t, { requireResources: false }), []);
  assert.deepEqual(checkParameters(t, undefined), []);
});

test('a limit without a request counts as the request', () => {
  const t = tpl([{ name: 'app', image: 'a:1', resources: { limits: { cpu: '500m', memory: '256Mi' } } }]);
  assert.deepEqual(checkParameters(t, { requireResources: true }), []);
});

test('zero, negative and malformed requests are problems; numbers are quantities', () => {
  const t = tpl([
    { name: 'zero', image: 'a:1', resources: { requests: { cpu: '0', memory: '0Mi' } } },
    { name: 'neg', image: 'a:1', resources: { requests: { cpu: '-1', memory: 'lots' } } },
    { name: 'num', image: 'a:1', resources: { requests: { cpu: 2, memory: 1073741824 } } },
  ]);
  const problems = checkParameters(t, { requireResources: true });
  assert.deepEqual(problems.map((p) => p.field), [
    'spec.template.spec.containers[0].resources.requests.cpu',
    'spec.template.spec.containers[0].resources.requests.memory',
    'spec.template.spec.containers[1].resources.requests.cpu',
    'spec.template.spec.containers[1].resources.requests.memory',
  ]);
  assert.match(problems[0]!.message, /must be greater than zero, not "0"/);
  assert.match(problems[3]!.message, /"lots" is not a valid quantity/);
});

test('fieldPrefix places the findings', () => {
  assert.deepEqual(checkParameters({ spec: {} }, undefined, 'template').map((p) => p.field), ['template.spec.containers']);
});

test('quantitySign', () => {
  for (const q of ['1', '100m', '1.5', '.5', '1Gi', '128974848', '129e6', '129M', '123Mi', '1E', '+1', 3]) assert.equal(quantitySign(q), 'positive', String(q));
  for (const q of ['0', '0m', '0.0', '0Gi', 0]) assert.equal(quantitySign(q), 'zero', String(q));
  for (const q of ['-1', '-100m', -2]) assert.equal(quantitySign(q), 'negative', String(q));
  for (const q of ['', 'abc', '1 Gi', '1GB', '1.2.3', 'm', '1e', Number.NaN, Number.POSITIVE_INFINITY, null, {}, true]) assert.equal(quantitySign(q), 'invalid', JSON.stringify(q));
});
