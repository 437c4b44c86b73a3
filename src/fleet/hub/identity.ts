// Who a request comes from: the identity a client certificate names, as the API server reads it.

/** A caller as Kubernetes authorizes it (the fields of a SubjectAccessReview). */
export interface Caller {
  user: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, string[]>;
  /** How the caller proved it (for logs). */
  via: 'client-certificate' | 'token';
}

/** The subject of a peer certificate as Node's TLSSocket.getPeerCertificate() gives it (multi-valued RDNs are arrays). */
export type CertSubject = Readonly<Record<string, string | string[] | undefined>> | undefined;

const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * The caller a verified client certificate names, as the API server's x509 authenticator reads it:
 * user = the Common Name, groups = every Organization. A certificate without a CN names nobody.
 * (`system:authenticated` is added, as the API server adds it to every authenticated user.)
 */
export function callerOfCertificate(subject: CertSubject): Caller | undefined {
  const cn = all(subject?.CN);
  const user = cn[0];
  if (user === undefined || user === '') return undefined;
  const groups = [...new Set([...all(subject?.O).filter((g) => g !== ''), 'system:authenticated'])];
  return { user, groups, via: 'client-certificate' };
}

/** The bearer token of an Authorization header, or undefined (other schemes are not credentials here). */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m?.[1];
}
