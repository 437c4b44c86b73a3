// The Flux objects of the bench on the hub: Flux's CRDs (from the modules' config/crd/bases), one shared
// GitRepository, and per member a Secret holding the member's kubeconfig and a Kustomization that applies the
// repository path to that member through `spec.kubeConfig.secretRef` (Flux's way to reconcile a remote cluster
// from one hub). Also the trigger: what Flux's notification-controller Receiver does on a valid push webhook.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apply, type ApplyObject } from '../../../src/kube/apply.js';
import { sleep } from '../../../src/kube/clock.js';
import type { KubeClient } from '../../../src/kube/http.js';
import { ref } from '../../../src/kube/resource.js';
import { parseKubeYamlAll } from '../../../src/kube/yaml.js';

export const FLUX_FIELD_MANAGER = 'plinth-bench-flux';
export const GITREPOSITORIES = ref('source.toolkit.fluxcd.io/v1', 'gitrepositories');
export const KUSTOMIZATIONS = ref('kustomize.toolkit.fluxcd.io/v1', 'kustomizations');
const CRDS = ref('apiextensions.k8s.io/v1', 'customresourcedefinitions');
/** The annotation Flux's Receiver sets; any new value makes the controller reconcile at once. */
export const RECONCILE_REQUEST_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';

interface Crd {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Applies every CRD of `crdsDir` and waits until each is Established. */
export async function installFluxCrds(hub: KubeClient, crdsDir: string, timeoutMs = 60_000): Promise<string[]> {
  const names: string[] = [];
  for (const file of readdirSync(crdsDir).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseKubeYamlAll(readFileSync(join(crdsDir, file), 'utf8'))) {
      const crd = doc as ApplyObject;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      await apply(hub, CRDS, crd, { fieldManager: FLUX_FIELD_MANAGER, force: true });
      names.push(crd.metadata!.name!);
    }
  }
  const end = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await hub.get<Crd>(CRDS, name);
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > end) throw new Error(`CRD ${name} not Established after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
  return names;
}

export interface FleetMember {
  name: string;
  /** The member's kubeconfig (YAML text, credentials embedded). */
  kubeconfig: string;
}

export interface FluxFleetSpec {
  namespace: string;
  /** Name of the shared GitRepository. */
  source: string;
  url: string;
  branch: string;
  /** Directory in the repository that every member gets. */
  path: string;
  /** spec.interval of the GitRepository and of every Kustomization (Go duration). */
  interval: string;
  /** Kustomization spec.wait: wait for the applied objects to be healthy (Flux's health assessment). */
  wait: boolean;
  /** Kustomization spec.timeout (Go duration). */
  timeout: string;
  /**
   * Kustomization spec.targetNamespace: kustomize puts every namespaced object there and renames the Namespace
   * object of the directory to it, so Flux can deliver the same commits to the same members as Plinth without
   * the two fighting over the same objects. Unset: the directory's own namespace.
   */
  targetNamespace?: string;
  members: FleetMember[];
}

export function kustomizationName(member: string): string {
  return `member-${member}`;
}

export function kubeconfigSecretName(member: string): string {
  return `member-${member}-kubeconfig`;
}

/** The objects `createFluxFleet` applies, in order (pure: unit-tested). */
export function fluxFleetObjects(spec: FluxFleetSpec): ApplyObject[] {
  const ns = spec.namespace;
  const out: ApplyObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: spec.source, namespace: ns },
      spec: { url: spec.url, ref: { branch: spec.branch }, interval: spec.interval, timeout: '60s' },
    },
  ];
  for (const m of spec.members) {
    out.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: kubeconfigSecretName(m.name), namespace: ns },
      type: 'Opaque',
      stringData: { value: m.kubeconfig },
    });
    out.push({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: kustomizationName(m.name), namespace: ns, labels: { 'fleet.plinth.dev/bench-member': m.name } },
      spec: {
        interval: spec.interval,
        path: `./${spec.path}`,
        prune: true,
        wait: spec.wait,
        timeout: spec.timeout,
        sourceRef: { kind: 'GitRepository', name: spec.source },
        ...(spec.targetNamespace ? { targetNamespace: spec.targetNamespace } : {}),
        kubeConfig: { secretRef: { name: kubeconfigSecretName(m.name), key: 'value' } },
      },
    });
  }
  return out;
}

const RESOURCES: Record<string, ReturnType<typeof ref>> = {
  Namespace: ref('v1', 'namespaces'),
  Secret: ref('v1', 'secrets'),
  GitRepository: GITREPOSITORIES,
  Kustomization: KUSTOMIZATIONS,
};

/** Applies the namespace, the GitRepository and each member's Secret and Kustomization on the hub. */
export async function createFluxFleet(hub: KubeClient, spec: FluxFleetSpec): Promise<void> {
  for (const obj of fluxFleetObjects(spec)) {
    await apply(hub, RESOURCES[obj.kind!]!, obj, { fieldManager: FLUX_FIELD_MANAGER, force: true });
  }
}

/**
 * What Flux's notification-controller Receiver does for a push webhook that passed its HMAC check: a JSON merge
 * patch of the GitRepository setting `reconcile.fluxcd.io/requestedAt` to the current time
 * (internal/server/receiver_handlers.go, `annotate`: `metav1.Now().String()`). One API write per push; the
 * Kustomizations follow when the GitRepository's artifact revision changes (kustomize-controller watches it).
 */
export async function requestReconcile(hub: KubeClient, namespace: string, source: string, at: Date = new Date()): Promise<void> {
  const patch = { metadata: { annotations: { [RECONCILE_REQUEST_ANNOTATION]: at.toISOString() } } };
  await hub.patch({ ...GITREPOSITORIES, namespace }, source, patch, 'merge');
}
