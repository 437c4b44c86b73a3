// A member's key pair and its PKCS#10 certificate request (what `plinth fleet join` sends to the hub), and the
// reading of such a request back on the hub. Node's crypto makes keys and signs; it builds no CSR, so the few
// DER structures are written here (der.ts).
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { bitString, children, oid, oidString, readTlv, seq, set, smallInt, tlv, utf8 } from './der.js';

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_RSA_SHA256 = '1.2.840.113549.1.1.11';

/** A fresh ECDSA P-256 key pair (PEM); the issued certificate is signed by the hub's CA, whatever its key type. */
export function generateMemberKey(): { privateKeyPem: string; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey };
}

export interface CsrSubject {
  commonName: string;
  organizations: string[];
}

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

/** A PEM `CERTIFICATE REQUEST` for the subject, signed with the (EC or RSA) private key. */
export function buildCsr(privateKeyPem: string, subject: CsrSubject): string {
  const pub = createPublicKey(privateKeyPem);
  const spki = pub.export({ type: 'spki', format: 'der' });
  const rdn = (type: string, value: string): Buffer => set(seq(oid(type), utf8(value)));
  const name = seq(...subject.organizations.map((o) => rdn(OID_O, o)), rdn(OID_CN, subject.commonName));
  const info = seq(smallInt(0), name, spki, tlv(0xa0, Buffer.alloc(0)));
  const ec = pub.asymmetricKeyType === 'ec';
  const algorithm = ec ? seq(oid(OID_ECDSA_SHA256)) : seq(oid(OID_RSA_SHA256), tlv(0x05, Buffer.alloc(0)));
  const signature = sign('sha256', info, { key: privateKeyPem, ...(ec ? { dsaEncoding: 'der' as const } : {}) });
  return pem('CERTIFICATE REQUEST', seq(info, algorithm, bitString(signature)));
}

export interface ParsedCsr extends CsrSubject {
  /** The request is signed by the key it carries (proof of possession). */
  signatureValid: boolean;
}

/** The subject of a PEM (or base64 of PEM, as in `spec.request`) certificate request; throws when it is not one. */
export function parseCsr(input: string): ParsedCsr {
  const text = input.includes('-----BEGIN') ? input : Buffer.from(input, 'base64').toString('utf8');
  const m = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]*?)-----END CERTIFICATE REQUEST-----/.exec(text);
  if (!m) throw new Error('not a PEM certificate request');
  const der = Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64');
  const [info, algorithm, signature] = children(readTlv(der).content);
  if (!info || !algorithm || !signature) throw new Error('certificate request: missing parts');
  const [, name, spki] = children(info.content);
  if (!name || !spki) throw new Error('certificate request: missing subject or key');
  const subject: CsrSubject = { commonName: '', organizations: [] };
  for (const rdnSet of children(name.content)) {
    for (const atv of children(rdnSet.content)) {
      const [type, value] = children(atv.content);
      if (!type || !value) continue;
      const t = oidString(type.content);
      const v = value.content.toString('utf8');
      if (t === OID_CN) subject.commonName = v;
      else if (t === OID_O) subject.organizations.push(v);
    }
  }
  return { ...subject, signatureValid: checkSignature(info.raw, algorithm.content, signature.content, spki.raw) };
}

function checkSignature(info: Buffer, algorithm: Buffer, signatureBits: Buffer, spki: Buffer): boolean {
  try {
    const [alg] = children(algorithm);
    const algOid = alg ? oidString(alg.content) : '';
    if (algOid !== OID_ECDSA_SHA256 && algOid !== OID_RSA_SHA256) return false;
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const sig = signatureBits.subarray(1);
    return verify('sha256', info, { key, ...(algOid === OID_ECDSA_SHA256 ? { dsaEncoding: 'der' as const } : {}) }, sig);
  } catch {
    return false;
  }
}

/** The CSR name of a join: `plinth-member-NAME-<random>` (a new name per attempt, as kubelets do). */
export function csrName(cluster: string): string {
  return `plinth-member-${cluster}-${randomBytes(4).toString('hex')}`;
}

/** The member a CSR name belongs to (the name between the prefix and the random tail), or undefined. */
export function memberOfCsrName(name: string): string | undefined {
  const m = /^plinth-member-(.+)-[0-9a-f]{8}$/.exec(name);
  return m?.[1];
}
