import { RELEASE_GROUP, RELEASE_VERSION } from '../api/release/group.js';
import { ref, type ResourceRef } from '../kube/resource.js';

/**
 * The label, annotation, condition and finalizer keys the release controllers put on the objects they
 * manage. All live under `apps.plinth.dev/`, which `templateHash` and `inPlaceChange` ignore, so the
 * controllers' bookkeeping never creates a revision or forces a recreate.
 */
export const KEYS = {
  /** Pod, ReleaseOrder, ControllerRevision label: the name of the owning CellDeployment. */
  cellDeployment: `${RELEASE_GROUP}/celldeployment`,
  /** Pod label: the topology unit the pod is pinned to. */
  unit: `${RELEASE_GROUP}/unit`,
  /** Pod and ControllerRevision label: the template hash (revision) the pod runs. */
  revision: `${RELEASE_GROUP}/revision`,
  /** The readiness gate (pod condition type) the controller flips to take a pod in and out of traffic. */
  gate: `${RELEASE_GROUP}/traffic-ready`,
  /** Finalizer on every pod: it cannot vanish before it was taken out of traffic. */
  finalizer: `${RELEASE_GROUP}/protect`,
  /** Pod annotation: when the controller set the gate False (RFC 3339 with milliseconds); the drain timer. */
  drainStarted: `${RELEASE_GROUP}/drain-started`,
  /**
   * Pod annotation, written with the drain: since when the pod had been Ready when its drain began (its Ready
   * condition's lastTransitionTime), which the drain itself overwrites. It tells how long the EndpointSlices
   * had to catch up with that Ready before the drain (see drainState).
   */
  readySince: `${RELEASE_GROUP}/ready-since`,
  /**
   * Pod annotation: another controller took the pod out of traffic and puts it back itself (value: who, e.g.
   * `sidecarset/mesh` during an in-place sidecar upgrade). The CellDeployment controller does not admit such a pod.
   */
  heldBy: `${RELEASE_GROUP}/held-by`,
  /** ReleaseOrder annotation: 1, 2, 3... in creation order among the orders of one CellDeployment. */
  sequence: `${RELEASE_GROUP}/sequence`,
} as const;

const GV = `${RELEASE_GROUP}/${RELEASE_VERSION}`;
export const RELEASE_API_VERSION = GV;

/** The resources the release controllers read and write (cluster-wide; use inNamespace for one namespace). */
export const RES = {
  cellDeployments: ref(GV, 'celldeployments'),
  releaseOrders: ref(GV, 'releaseorders'),
  controllerRevisions: ref('apps/v1', 'controllerrevisions'),
  pods: ref('v1', 'pods'),
  nodes: ref('v1', 'nodes'),
  endpointSlices: ref('discovery.k8s.io/v1', 'endpointslices'),
} as const satisfies Record<string, ResourceRef>;

/** The component name in Events and field managers. */
export const COMPONENT = 'plinth.dev/release-controller';

/** Field manager of the release controllers' writes. */
export const FIELD_MANAGER = 'plinth-release';

/** The drain time used for pods whose CellDeployment is gone (the API default of strategy.drainSeconds). */
export const DEFAULT_DRAIN_SECONDS = 3;
