import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crdDrift, renderCrds } from './crd-files.js';
import { allCrds } from './index.js';

const committed = join(import.meta.dirname, '..', '..', 'deploy', 'crds');

test('committed CRDs in deploy/crds match the schemas in src/api (run `npm run crds` if this fails)', async () => {
  assert.deepEqual(await crdDrift(committed), []);
});

test('every CRD is structural: no TypeBox leftovers, status subresource (and scale on CellDeployments), Age column', () => {
  for (const crd of allCrds()) {
    const text = JSON.stringify(crd);
    assert.doesNotMatch(text, /patternProperties|"const"|"\$id"/, crd.metadata.name);
    const version = (crd.spec.versions as { subresources: { status?: unknown; scale?: unknown }; additionalPrinterColumns: { name: string }[] }[])[0]!;
    assert.deepEqual(version.subresources.status, {});
    // CellDeployments scale like Deployments (kubectl scale, HorizontalPodAutoscalers); the others do not scale.
    const scale = crd.metadata.name.startsWith('celldeployments.')
      ? { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' }
      : undefined;
    assert.deepEqual(version.subresources.scale, scale, crd.metadata.name);
    assert.equal(version.additionalPrinterColumns.at(-1)?.name, 'Age');
  }
});

test('rendering is deterministic', () => {
  assert.deepEqual(renderCrds(), renderCrds());
});
