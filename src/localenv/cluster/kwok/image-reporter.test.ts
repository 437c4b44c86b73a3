import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ContainerState, V1Node, V1Pod } from '@kubernetes/client-node';
import { pulledImage, withImage } from './image-reporter.js';

const pullPod = (state?: V1ContainerState): V1Pod => ({
  spec: { nodeName: 'n1', initContainers: [{ name: 'pull', image: 'registry.local/web:2' }], containers: [] },
  status: state ? { initContainerStatuses: [{ name: 'pull', image: 'registry.local/web:2', imageID: 'registry.local/web@sha256:ab', ready: false, restartCount: 0, state }] } : {},
});

test('pulledImage: only once the pull container ran or ended', () => {
  assert.equal(pulledImage(pullPod()), undefined);
  assert.equal(pulledImage(pullPod({ waiting: { reason: 'ErrImagePull' } })), undefined);
  assert.deepEqual(pulledImage(pullPod({ terminated: { exitCode: 128, reason: 'StartError' } })), { image: 'registry.local/web:2', imageID: 'registry.local/web@sha256:ab' });
});

test('withImage: appends the image with its digest name once; undefined when already listed', () => {
  const node: V1Node = { status: { images: [{ names: ['other:1'], sizeBytes: 1 }] } };
  const images = withImage(node, 'registry.local/web:2', 'registry.local/web@sha256:ab');
  assert.deepEqual(images?.map((i) => i.names), [['other:1'], ['registry.local/web@sha256:ab', 'registry.local/web:2']]);
  assert.equal(withImage({ status: { images } }, 'registry.local/web:2', 'x'), undefined);
  assert.deepEqual(withImage({}, 'a:1', '')?.map((i) => i.names), [['a:1']]);
});
