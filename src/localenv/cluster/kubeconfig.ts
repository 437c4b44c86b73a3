import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { ClientName, Pki } from './certs.js';

const b64 = async (file: string): Promise<string> => (await readFile(file)).toString('base64');

/**
 * Write a kubeconfig for `who` with the certificates embedded (the file can be copied anywhere).
 * Cluster, user and context are all named after the cluster (the admin user is `<name>-admin`).
 */
export async function writeKubeconfig(
  path: string,
  opts: { clusterName: string; server: string; pki: Pki; who: ClientName },
): Promise<void> {
  const { clusterName, server, pki, who } = opts;
  const user = who === 'admin' ? `${clusterName}-admin` : `${clusterName}-${who}`;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      { name: clusterName, cluster: { server, 'certificate-authority-data': await b64(pki.caCert) } },
    ],
    users: [
      {
        name: user,
        user: {
          'client-certificate-data': await b64(pki.clients[who].cert),
          'client-key-data': await b64(pki.clients[who].key),
        },
      },
    ],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user } }],
    'current-context': clusterName,
  };
  await writeFile(path, stringify(doc), { mode: 0o600 });
}
