// Names and resources of membership: the join ServiceAccount, the member Secret, annotations, the signer.
import { FLEET_GROUP, FLEET_VERSION } from '../../api/fleet/group.js';
import { ref } from '../../kube/resource.js';

/** The ServiceAccount (in FLEET_NAMESPACE) whose short-lived tokens `plinth fleet join` uses. */
export const JOIN_SERVICE_ACCOUNT = 'plinth-join';
/** Its ClusterRole and ClusterRoleBinding: create/get/list/watch CertificateSigningRequests, nothing else. */
export const JOIN_CLUSTER_ROLE = 'plinth:fleet-join';
/** The user name the API server gives the join token (the requester of every join CSR). */
export const JOIN_USER = (fleetNamespace: string): string => `system:serviceaccount:${fleetNamespace}:${JOIN_SERVICE_ACCOUNT}`;

/** The member-side Secret (in AGENT_NAMESPACE) with the agent's hub key, CSR name, hub URL, CA and (once issued) kubeconfig. */
export const AGENT_HUB_SECRET = 'plinth-agent-hub';
/** The keys of the member Secret AGENT_HUB_SECRET. */
export const SECRET_KEYS = { key: 'tls.key', cert: 'tls.crt', ca: 'ca.crt', hub: 'hub', csr: 'csr', token: 'token', kubeconfig: 'kubeconfig' } as const;

/** The signer of agent client certificates. */
export const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
/** The reason on the Approved condition the hub sets on an accepted member's CSR. */
export const APPROVE_REASON = 'PlinthAccepted';
export const DENY_REASON = 'PlinthAlreadyJoined';
export const DENY_BAD_REQUEST_REASON = 'PlinthBadRequest';
/** The reasons on a renewal CSR (the agent's own, made with its current certificate): approved, or denied for a member not accepted. */
export const RENEW_REASON = 'PlinthRenewal';
export const DENY_NOT_ACCEPTED_REASON = 'PlinthNotAccepted';

/** Annotation on a join CSR: the labels the member asks for (JSON object). */
export const ANNOTATION_REQUESTED_LABELS = 'fleet.plinth.dev/requested-labels';
/** Annotation on a MemberCluster: the CSR of its current join. */
export const ANNOTATION_CSR = 'fleet.plinth.dev/csr';

/** Certificates live this long unless the hub's signer caps it lower (1 year). */
export const CERT_EXPIRATION_SECONDS = 365 * 24 * 3600;

/** The manager's and the CLI's Event source. */
export const COMPONENT = 'plinth.dev/fleet-member';
export const FIELD_MANAGER = 'plinth-fleet-member';

export const RES = {
  memberClusters: ref(`${FLEET_GROUP}/${FLEET_VERSION}`, 'memberclusters'),
  csrs: ref('certificates.k8s.io/v1', 'certificatesigningrequests'),
  serviceAccounts: ref('v1', 'serviceaccounts'),
  secrets: ref('v1', 'secrets'),
  namespaces: ref('v1', 'namespaces'),
  leases: ref('coordination.k8s.io/v1', 'leases'),
  roles: ref('rbac.authorization.k8s.io/v1', 'roles'),
  roleBindings: ref('rbac.authorization.k8s.io/v1', 'rolebindings'),
  clusterRoles: ref('rbac.authorization.k8s.io/v1', 'clusterroles'),
  clusterRoleBindings: ref('rbac.authorization.k8s.io/v1', 'clusterrolebindings'),
} as const;
