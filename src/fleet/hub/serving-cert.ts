// The fleet server's own serving certificate: loaded from files, or a self-signed CA and a serving
// certificate made at start for the names agents dial (src/kube/serving-cert.ts).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { makeServingCert, type ServingCert } from '../../kube/serving-cert.js';

/** PEM material the server presents: its certificate (chain), key, and the CA agents trust (`ca.crt` of the hub-info ConfigMap). */
export type ServingTls = ServingCert;

/** What `--fleet-tls-cert/--fleet-tls-key` name; `caFile` defaults to the certificate file (its chain). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile?: string;
}

/** Loads and checks a certificate and key from files (the key must belong to the certificate). */
export async function loadServingTls(files: TlsFiles): Promise<ServingTls> {
  try {
    const [cert, key, ca] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8'), readFile(files.caFile ?? files.certFile, 'utf8')]);
    const x = new X509Certificate(cert);
    if (!x.checkPrivateKey(createPrivateKey(key))) throw new Error(`the key in ${files.keyFile} does not belong to the certificate in ${files.certFile}`);
    return { cert, key, ca };
  } catch (err) {
    throw new PlinthError('FLEET_TLS_INVALID', { detail: errorMessage(err) }, { cause: err });
  }
}

/**
 * A fresh self-signed CA (valid 10 years, its key thrown away once it signed) and a serving certificate for
 * `hosts` (valid 1 year); errors are FLEET_TLS_INVALID.
 */
export async function selfSignedServingTls(hosts: readonly string[]): Promise<ServingTls> {
  try {
    return await makeServingCert(hosts, 'plinth-fleet-server');
  } catch (err) {
    throw new PlinthError('FLEET_TLS_INVALID', { detail: errorMessage(err) }, { cause: err });
  }
}
