/** The fields of a coordination.k8s.io/v1 Lease the conflict check reads. */
export interface Lease {
  metadata: { name?: string; namespace?: string };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string };
}
