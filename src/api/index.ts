import type { TObject } from '@sinclair/typebox';
import { toCrd, type CustomResourceDefinition, type KindDefinition } from './crd.js';
import { CellDeploymentKind } from './release/celldeployment.js';
import { ReleaseOrderKind } from './release/releaseorder.js';
import { ReleasePolicyKind } from './release/releasepolicy.js';

export * from './crd.js';
export * from './release/celldeployment.js';
export * from './release/releaseorder.js';
export * from './release/releasepolicy.js';
export { RELEASE_GROUP, RELEASE_VERSION } from './release/group.js';

/** Every kind Plinth defines, in install order. */
export const KINDS: readonly KindDefinition<TObject, TObject>[] = [CellDeploymentKind, ReleaseOrderKind, ReleasePolicyKind];

/** The CRDs of every kind, generated from the schemas. */
export function allCrds(): CustomResourceDefinition[] {
  return KINDS.map((k) => toCrd(k));
}
