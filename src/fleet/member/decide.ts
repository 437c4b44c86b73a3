// What the MemberCluster controller does with a join CSR: pure, from the CSR as read and the member as cached.
import { selectorMatches, type LabelSelectorLike } from '../../kube/selector.js';
import { AGENT_GROUP, agentUser, memberOfUser } from '../names.js';
import { memberOfCsrName } from './csr.js';
import { CLIENT_SIGNER, DENY_BAD_REQUEST_REASON, DENY_NOT_ACCEPTED_REASON, DENY_REASON } from './keys.js';
import { validLabel } from './selector-parse.js';

/** A CSR as the controller sees it (parsed once). */
export interface JoinCsr {
  name: string;
  signerName: string;
  /** spec.username: who created it. */
  requester: string;
  commonName?: string;
  organizations?: string[];
  signatureValid: boolean;
  requestedLabels: Record<string, string>;
  /** Approved or Denied (or Failed) already. */
  decided: boolean;
  issued: boolean;
}

export interface MemberView {
  accepted: boolean;
  joined: boolean;
  /** The CSR of its current join (annotation). */
  csr?: string;
}

export type CsrDecision =
  | { action: 'ignore' }
  | { action: 'deny'; reason: string; message: string }
  | { action: 'create'; labels: Record<string, string>; accepted: boolean }
  | { action: 'adopt' }
  | { action: 'approve' }
  | { action: 'wait' };

/** The member a CSR speaks for (from its CN, else its name), when it looks like a join CSR at all. */
export function memberOfCsr(csr: Pick<JoinCsr, 'name' | 'commonName' | 'signerName'>): string | undefined {
  if (csr.signerName !== CLIENT_SIGNER) return undefined;
  return (csr.commonName !== undefined ? memberOfUser(csr.commonName) : undefined) ?? memberOfCsrName(csr.name);
}

/** Only labels Kubernetes accepts survive (a bad one would fail the MemberCluster's creation). */
export function cleanLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k, v]) => typeof v === 'string' && validLabel(k, v)));
}

/**
 * Decide about one CSR for member `member`. Only pending CSRs of the client signer created by the join identity are
 * ours; a malformed one (wrong subject, a name not the CN's, a bad signature) is denied; a CSR for a member that has
 * joined already is denied; the first CSR of an unknown member creates it; an accepted member's current CSR is approved.
 */
export function decideCsr(csr: JoinCsr, member: string, joinUser: string, current: MemberView | undefined, autoAccept: LabelSelectorLike | undefined): CsrDecision {
  if (csr.requester === agentUser(member)) return decideRenewal(csr, member, current);
  if (csr.signerName !== CLIENT_SIGNER || csr.requester !== joinUser || csr.decided) return { action: 'ignore' };
  const orgs = csr.organizations ?? [];
  if (csr.commonName !== agentUser(member) || orgs.length !== 1 || orgs[0] !== AGENT_GROUP) {
    return { action: 'deny', reason: DENY_BAD_REQUEST_REASON, message: `a join must ask for CN ${agentUser(member)}, O ${AGENT_GROUP}; it asked for CN ${csr.commonName ?? '(none)'}, O ${orgs.join('+') || '(none)'}` };
  }
  if (memberOfCsrName(csr.name) !== member) return { action: 'deny', reason: DENY_BAD_REQUEST_REASON, message: `the CSR name ${csr.name} does not name member ${member}` };
  if (!csr.signatureValid) return { action: 'deny', reason: DENY_BAD_REQUEST_REASON, message: 'the request is not signed by the key it carries' };
  if (!current) {
    const labels = cleanLabels(csr.requestedLabels);
    return { action: 'create', labels, accepted: autoAccept !== undefined && selectorMatches(autoAccept, labels) };
  }
  if (current.csr !== csr.name) {
    if (current.joined) return { action: 'deny', reason: DENY_REASON, message: `member ${member} has joined already; \`plinth fleet leave ${member}\` first to join again under that name` };
    return { action: 'adopt' };
  }
  return current.accepted ? { action: 'approve' } : { action: 'wait' };
}

/**
 * A certificate renewal: a CSR the agent made with its current identity (the requester is `plinth:member:NAME`, so
 * only the holder of a valid certificate of that member can make it) for the same subject. Approved while the member
 * is accepted and joined; denied when it is not (a member whose acceptance was withdrawn gets no new certificate and
 * loses access when its certificate expires) or when the request is malformed.
 */
export function decideRenewal(csr: JoinCsr, member: string, current: MemberView | undefined): CsrDecision {
  if (csr.signerName !== CLIENT_SIGNER || csr.decided) return { action: 'ignore' };
  const orgs = csr.organizations ?? [];
  if (csr.commonName !== agentUser(member) || orgs.length !== 1 || orgs[0] !== AGENT_GROUP) {
    return { action: 'deny', reason: DENY_BAD_REQUEST_REASON, message: `a renewal must ask for CN ${agentUser(member)}, O ${AGENT_GROUP}; it asked for CN ${csr.commonName ?? '(none)'}, O ${orgs.join('+') || '(none)'}` };
  }
  if (memberOfCsrName(csr.name) !== member) return { action: 'deny', reason: DENY_BAD_REQUEST_REASON, message: `the CSR name ${csr.name} does not name member ${member}` };
  if (!csr.signatureValid) return { action: 'deny', reason: DENY_BAD_REQUEST_REASON, message: 'the request is not signed by the key it carries' };
  if (!current?.accepted || !current.joined) return { action: 'deny', reason: DENY_NOT_ACCEPTED_REASON, message: `member ${member} is not accepted on the hub; no certificate is renewed` };
  return { action: 'approve' };
}
