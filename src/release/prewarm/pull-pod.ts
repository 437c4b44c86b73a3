import { createHash } from 'node:crypto';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { RELEASE_GROUP } from '../../api/release/group.js';
import type { PullState } from './plan.js';

/** Pull pod label: the uid of the ImagePrewarm that owns it (names may be longer than a label value). */
export const PULL_POD_LABEL = `${RELEASE_GROUP}/prewarm-pull`;
/** Pull pod annotations: the node and image it pulls (also in spec.nodeName and the init container). */
export const PULL_NODE_ANNOTATION = `${RELEASE_GROUP}/prewarm-node`;
export const PULL_IMAGE_ANNOTATION = `${RELEASE_GROUP}/prewarm-image`;
/** The container name of the pull (an init container) and of the placeholder app container. */
export const PULL_CONTAINER = 'pull';
/**
 * The command of the pull containers: a path no image has. The kubelet pulls the image *before* it creates the
 * container; the start then fails (runc: `exec: "/.plinth-prewarm-pulled": no such file or directory`, exit 128),
 * without a shell or any binary of the image, so the pod ends at once and the image stays on the node.
 */
export const PULL_COMMAND = ['/.plinth-prewarm-pulled'];

/** Waiting reasons that mean the kubelet could not pull (the pull failed). */
const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'SignatureValidationFailed']);
/** Waiting reasons that come after a successful pull (the image is needed to create the container). */
const AFTER_PULL = new Set(['CreateContainerError', 'RunContainerError', 'PostStartHookError']);

/** The deterministic name of the pull pod of (prewarm, node, image): creating it twice finds the first one. */
export function pullPodName(prewarm: string, node: string, image: string): string {
  // The whole owner name is hashed too: two pre-warms whose names share the first 40 characters get other pods.
  const hash = createHash('sha256').update(`${prewarm}\u0000${node}\u0000${image}`).digest('hex').slice(0, 10);
  return `${prewarm.slice(0, 40).replace(/[-.]+$/, '')}-pull-${hash}`;
}

export interface PullPodInput {
  prewarm: { name: string; namespace: string; uid: string; apiVersion: string; kind: string };
  node: string;
  image: string;
  pullSecrets: readonly string[];
}

/**
 * The pull pod of one (node, image): pinned to the node with spec.nodeName (no scheduler; cordons and resources
 * do not stop a pull), `restartPolicy: Never`, `imagePullPolicy: IfNotPresent` (a node that has the image
 * does not pull it again), the image as an init container that cannot need a shell (PULL_COMMAND), the same
 * image again as the app container (never pulled twice; it only runs if the init container exited 0), tiny
 * resources, every taint tolerated, owned by the ImagePrewarm (the garbage collector deletes it with it).
 */
export function pullPod(i: PullPodInput): V1Pod {
  const container = {
    name: PULL_CONTAINER,
    image: i.image,
    imagePullPolicy: 'IfNotPresent',
    command: PULL_COMMAND,
    resources: { requests: { cpu: '1m', memory: '8Mi' }, limits: { cpu: '10m', memory: '16Mi' } },
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pullPodName(i.prewarm.name, i.node, i.image),
      namespace: i.prewarm.namespace,
      labels: { [PULL_POD_LABEL]: i.prewarm.uid },
      annotations: { [PULL_NODE_ANNOTATION]: i.node, [PULL_IMAGE_ANNOTATION]: i.image },
      ownerReferences: [
        { apiVersion: i.prewarm.apiVersion, kind: i.prewarm.kind, name: i.prewarm.name, uid: i.prewarm.uid, controller: true },
      ],
    },
    spec: {
      nodeName: i.node,
      restartPolicy: 'Never',
      initContainers: [container],
      containers: [{ ...container, name: 'done' }],
      tolerations: [{ operator: 'Exists' }],
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 0,
      ...(i.pullSecrets.length > 0 ? { imagePullSecrets: i.pullSecrets.map((name) => ({ name })) } : {}),
    },
  };
}

const describeWaiting = (s: V1ContainerStatus): string => {
  const w = s.state?.waiting;
  return w?.message ? `${w.reason}: ${w.message}` : (w?.reason ?? 'waiting');
};

/**
 * What a pull pod says about its pull, from its init container's status (as a kubelet reports it):
 *  - waiting with ErrImagePull, ImagePullBackOff (and the other pull failures): failed, with the kubelet's message;
 *  - running, or terminated with any exit code (the command is meant to fail after the pull), or waiting with a
 *    create/start error (the container could only be created from a pulled image), or the pod Succeeded: pulled;
 *  - a pod Failed before its container ever ran (evicted, node gone): failed, with the pod's reason;
 *  - anything else: still running.
 */
export function pullOutcome(pod: V1Pod): PullState {
  const st = pod.status?.initContainerStatuses?.find((s) => s.name === PULL_CONTAINER);
  const waiting = st?.state?.waiting?.reason;
  if (st && waiting && PULL_FAILURES.has(waiting)) return { state: 'failed', reason: describeWaiting(st) };
  if (st && (st.state?.running || st.state?.terminated || st.lastState?.terminated)) return { state: 'pulled' };
  if (st && waiting && AFTER_PULL.has(waiting)) return { state: 'pulled' };
  if (pod.status?.phase === 'Succeeded') return { state: 'pulled' };
  if (pod.status?.phase === 'Failed') {
    const why = [pod.status.reason, pod.status.message].filter(Boolean).join(': ');
    return { state: 'failed', reason: why || 'pod failed before the pull' };
  }
  return { state: 'running' };
}
