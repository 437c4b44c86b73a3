/**
 * Labels and annotations through which Plinth's local clusters talk to the simulated kubelet.
 * They are part of the kwok stage design (see docs/localenv.md, "Running local clusters").
 */

/** kwok manages exactly the nodes carrying this annotation (`--manage-nodes-with-annotation-selector`). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
export const KWOK_NODE_VALUE = 'fake';

/** Node annotation: "false" makes the simulated kubelet report Ready=False until it is removed. */
export const NODE_READY_ANNOTATION = 'kwok.plinth.dev/ready';

/** Node annotation: the kubelet version the node reports (kept across kwok restarts). */
export const NODE_KUBELET_VERSION_ANNOTATION = 'kwok.plinth.dev/kubelet-version';

/**
 * Pod annotation set on every pod of a NotReady node: kwok then leaves the pod alone, as a
 * kubelet that is down would (the node lifecycle controller's NotReady marks stick, deletions
 * wait). Removed again when the node is made Ready.
 */
export const POD_FROZEN_ANNOTATION = 'kwok.plinth.dev/frozen';

/** Node labels. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const CELL_LABEL = 'plinth.dev/cell';
export const TYPE_LABEL = 'type';
