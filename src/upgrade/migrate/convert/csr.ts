import type { Converter, Obj } from './types.js';
import { identity, obj } from './util.js';
import { plainThen } from './plain.js';

/** The usages certificates.k8s.io/v1beta1 defaulted to. */
const OLD_USAGES = ['digital signature', 'key encipherment'];

/**
 * CertificateSigningRequest certificates.k8s.io/v1beta1 to v1: usages is required (the old default is
 * written out) and signerName is required and cannot be kubernetes.io/legacy-unknown — which signer fits
 * is a decision, so a missing or legacy signer is reported, not guessed.
 */
export const csrConverter: Converter = plainThen((out: Obj, changes: string[], warnings: string[]): Obj => {
  const spec = obj(out.spec);
  if (!spec) return out;
  if (spec.usages === undefined) {
    spec.usages = [...OLD_USAGES];
    changes.push(`spec.usages: ${JSON.stringify(OLD_USAGES)} written out (the v1beta1 default; required in v1)`);
  }
  if (spec.signerName === undefined || spec.signerName === 'kubernetes.io/legacy-unknown') {
    warnings.push(
      `${identity(out)}: certificates.k8s.io/v1 requires a signerName other than kubernetes.io/legacy-unknown — set kubernetes.io/kube-apiserver-client, ` +
        'kubernetes.io/kube-apiserver-client-kubelet, kubernetes.io/kubelet-serving or your own signer, with usages it allows',
    );
  }
  if ('status' in out) {
    delete out.status;
    changes.push('status dropped (approval is a separate request)');
  }
  return out;
});
