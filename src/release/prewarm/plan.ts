/**
 * The pure planner of an ImagePrewarm: from the selected nodes (with the images their kubelets report), the pull
 * pods that exist and the clock, which (node, image) pulls to start next, which pulls count as done, failed or
 * running, and the phase. No I/O; `now` is passed in. The same input always gives the same output, so a
 * controller killed and restarted plans the same pulls again (and the pods it already created are found by name).
 */

/** A node the pre-warm selected: its name and the image names its kubelet reports in status.images. */
export interface PrewarmNode {
  name: string;
  images: readonly string[];
}

/** What a pull pod says about its pull (see pullOutcome in pull-pod.ts). */
export type PullState = { state: 'running' } | { state: 'pulled' } | { state: 'failed'; reason: string };

/** A pull pod of this pre-warm. */
export interface PullPod {
  node: string;
  image: string;
  createdAt: Date;
  outcome: PullState;
}

export interface PrewarmInput {
  images: readonly string[];
  nodes: readonly PrewarmNode[];
  pods: readonly PullPod[];
  parallelism: number;
  timeoutSeconds: number;
  now: Date;
}

export interface PullRef {
  node: string;
  image: string;
}

export interface FailedPull extends PullRef {
  reason: string;
}

export type PrewarmPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PrewarmPlan {
  /** Pulls to start now, in node then image order: at most parallelism minus the pulls running. */
  start: PullRef[];
  /** Pull pods still pulling past the timeout (they count as failed; the controller may delete them). */
  timedOut: PullRef[];
  failed: FailedPull[];
  /** (node, image) pairs: every selected node times every image. */
  desired: number;
  /** Pairs done: pulled by a pod, or already listed in the node's status.images. */
  pulled: number;
  running: number;
  /** Pairs not started yet. */
  waiting: number;
  phase: PrewarmPhase;
  /** Milliseconds until the earliest running pull times out (for a requeue), if any pull runs. */
  nextTimeoutMs?: number;
}

const DOCKER_HUB = 'docker.io/';

/**
 * The names a reference may be listed under in a node's status.images: as given, and fully qualified the way
 * container runtimes report Docker Hub images (`nginx:1` is listed as `docker.io/library/nginx:1`). A reference
 * without tag or digest means `:latest`.
 */
export function imageAliases(image: string): string[] {
  const out = new Set<string>([image]);
  const lastSlash = image.lastIndexOf('/');
  const tagged = image.includes('@') || image.slice(lastSlash + 1).includes(':');
  const withTag = tagged ? image : `${image}:latest`;
  out.add(withTag);
  const first = withTag.split('/')[0] ?? '';
  const hasRegistry = withTag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) {
    const full = withTag.includes('/') ? `${DOCKER_HUB}${withTag}` : `${DOCKER_HUB}library/${withTag}`;
    out.add(full);
  }
  return [...out];
}

/** Whether a node's status.images already lists `image` (under any of its aliases). */
export function nodeHasImage(node: PrewarmNode, image: string): boolean {
  const names = new Set(node.images);
  return imageAliases(image).some((a) => names.has(a));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Plan one reconcile of a pre-warm. Throws on a parallelism or timeout below 1 (the CRD refuses them). */
export function planPrewarm(input: PrewarmInput): PrewarmPlan {
  if (!Number.isInteger(input.parallelism) || input.parallelism < 1) throw new Error(`parallelism must be a whole number >= 1, not ${input.parallelism}`);
  if (!(input.timeoutSeconds > 0)) throw new Error(`timeoutSeconds must be > 0, not ${input.timeoutSeconds}`);
  const images = [...new Set(input.images)].sort(cmp);
  const nodes = [...new Map(input.nodes.map((n) => [n.name, n])).values()].sort((a, b) => cmp(a.name, b.name));
  const pods = new Map(input.pods.map((p) => [`${p.node}\u0000${p.image}`, p]));
  const timeoutMs = input.timeoutSeconds * 1000;
  const now = input.now.getTime();

  const start: PullRef[] = [];
  const timedOut: PullRef[] = [];
  const failed: FailedPull[] = [];
  const waitingRefs: PullRef[] = [];
  let pulled = 0;
  let running = 0;
  let nextTimeoutMs: number | undefined;
  for (const node of nodes) {
    for (const image of images) {
      const pod = pods.get(`${node.name}\u0000${image}`);
      if (nodeHasImage(node, image) || pod?.outcome.state === 'pulled') {
        pulled++;
        continue;
      }
      if (!pod) {
        waitingRefs.push({ node: node.name, image });
        continue;
      }
      if (pod.outcome.state === 'failed') {
        failed.push({ node: node.name, image, reason: pod.outcome.reason });
        continue;
      }
      const age = now - pod.createdAt.getTime();
      if (age >= timeoutMs) {
        timedOut.push({ node: node.name, image });
        failed.push({ node: node.name, image, reason: `not pulled within ${input.timeoutSeconds}s (timeoutSeconds)` });
        continue;
      }
      running++;
      const left = timeoutMs - age;
      nextTimeoutMs = nextTimeoutMs === undefined ? left : Math.min(nextTimeoutMs, left);
    }
  }
  const room = Math.max(0, input.parallelism - running);
  start.push(...waitingRefs.slice(0, room));
  const waiting = waitingRefs.length;
  const desired = nodes.length * images.length;
  let phase: PrewarmPhase;
  // Pending is only the phase before the first plan: with parallelism >= 1 a waiting pull always starts or waits for one running.
  if (running + waiting > 0) phase = 'Running';
  else phase = failed.length > 0 ? 'Failed' : 'Succeeded';
  const plan: PrewarmPlan = { start, timedOut, failed, desired, pulled, running, waiting, phase };
  if (nextTimeoutMs !== undefined) plan.nextTimeoutMs = nextTimeoutMs;
  return plan;
}

/** The failing nodes for status: by name, at most `max`, each with its failed images and reasons. */
export function failingNodes(failed: readonly FailedPull[], max: number): { name: string; failed: string[] }[] {
  const byNode = new Map<string, string[]>();
  for (const f of failed) {
    const list = byNode.get(f.node) ?? [];
    list.push(`${f.image}: ${f.reason}`);
    byNode.set(f.node, list);
  }
  return [...byNode.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .slice(0, max)
    .map(([name, list]) => ({ name, failed: list.sort(cmp).slice(0, 32) }));
}
