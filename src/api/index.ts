import type { TObject } from '@sinclair/typebox';
import { toCrd, type CustomResourceDefinition, type KindDefinition } from './crd.js';
import { CellDeploymentKind } from './release/celldeployment.js';
import { ReleaseOrderKind } from './release/releaseorder.js';
import { ReleasePolicyKind } from './release/releasepolicy.js';
import { ReleasePlanKind } from './release/releaseplan.js';
import { SidecarSetKind } from './release/sidecarset.js';
import { ImagePrewarmKind } from './release/imageprewarm.js';
import { MemberClusterKind } from './fleet/membercluster.js';
import { GitSourceKind } from './fleet/gitsource.js';
import { FleetDeliveryKind } from './fleet/fleetdelivery.js';
import { ClusterDeliveryKind } from './fleet/clusterdelivery.js';

export * from './crd.js';
export * from './release/celldeployment.js';
export * from './release/releaseorder.js';
export * from './release/releasepolicy.js';
export * from './release/releaseplan.js';
export * from './release/sidecarset.js';
export * from './release/imageprewarm.js';
export { RELEASE_GROUP, RELEASE_VERSION } from './release/group.js';
export * from './fleet/common.js';
export * from './fleet/membercluster.js';
export * from './fleet/gitsource.js';
export * from './fleet/fleetdelivery.js';
export * from './fleet/clusterdelivery.js';
export { FLEET_GROUP, FLEET_VERSION } from './fleet/group.js';

/** Every kind Plinth defines, in install order. */
export const KINDS: readonly KindDefinition<TObject, TObject>[] = [
  CellDeploymentKind,
  ReleaseOrderKind,
  ReleasePolicyKind,
  ReleasePlanKind,
  SidecarSetKind,
  ImagePrewarmKind,
  MemberClusterKind,
  GitSourceKind,
  FleetDeliveryKind,
  ClusterDeliveryKind,
];

/** The CRDs of every kind, generated from the schemas. */
export function allCrds(): CustomResourceDefinition[] {
  return KINDS.map((k) => toCrd(k));
}
