import { guardedStatusPatch, not, stage, tpl, when, type CelRequirement, type StageDoc } from './stage.js';

/**
 * The simulated kubelet for pods. Each stage matches one state and moves the pod to the next;
 * the selectors are mutually exclusive, so kwok never has to pick between two stages:
 *
 *   plinth-pod-start         bound, not started         -> Running, IPs, containers running+ready,
 *                                                          ContainersReady/Ready as ready-sync computes them
 *   plinth-pod-ready-sync    Running, conditions stale  -> ContainersReady/Ready recomputed from the
 *                                                          containers and spec.readinessGates
 *   plinth-pod-inplace       spec image != status image, of a container or a native sidecar (init
 *                                                          container with restartPolicy Always) (after inPlaceDelayMs)
 *                                                       -> the old container terminated (lastState), the
 *                                                          new one running with the new image/imageID/
 *                                                          containerID, restartCount+1, ready
 *   plinth-pod-observe       Running, status.observedGeneration behind metadata.generation (1.33+)
 *                                                       -> observedGeneration updated
 *   plinth-pod-job-complete  Running pod of a Job, nothing else pending (conditions current, generation
 *                                                          observed, images as in the spec) -> Succeeded
 *   plinth-pod-pull          an image pull pod (label apps.plinth.dev/prewarm-pull), not yet reported
 *                                                       -> after pullMs: images tagged `:fail-pull` wait in
 *                                                          ErrImagePull; any other image is pulled and the
 *                                                          init container fails to start its command (exit 128,
 *                                                          StartError) as runc reports it: the pod is Failed.
 *                                                          (The node's status.images: image-reporter.ts.)
 *   plinth-pod-delete        deletionTimestamp set, grace period not yet 0
 *                                                       -> DELETE with grace 0 (the API server keeps the
 *                                                          pod until its finalizers are gone)
 *
 * Ready is only ever computed in one place (ready-sync) and its selector is "the Ready or
 * ContainersReady condition differs from what the kubelet would compute", so readiness gates
 * flipping in either direction, a container restarting, or the node lifecycle controller
 * writing Ready=False are all converged the same way.
 *
 * An in-place restart is one status patch, as a kubelet reports it when the kill and the start fall
 * within one PLEG relist (a container without a readiness probe is ready as soon as it runs): the
 * old container's end shows in lastState.terminated, the new one runs the new image. A pod that was
 * taken out of traffic first (gate False, Ready False) therefore costs the simulated kubelet one write
 * per restart, not three (stop, start, Ready).
 */

export interface PodStageOptions {
  podStartDelayMs: number;
  inPlaceDelayMs: number;
  podStopDelayMs: number;
  jobRunMs: number;
  /** How long a simulated image pull takes (a pull pod's init container ends after it; PLINTH_KWOK_PULL_MS). */
  pullMs: number;
}

/*
 * Selectors are CEL on the typed Pod (json field names; an absent field reads as its zero value). Each
 * stage's selector is one expression, cheap tests first: CEL stops at the first false operand of &&.
 */

/**
 * CEL: some container's status still shows another image than its spec (an in-place update is pending), or a
 * native sidecar's (an init container with restartPolicy Always, which the kubelet restarts in place too).
 */
const PENDING_IMAGE =
  'self.spec.containers.exists(s, self.status.containerStatuses.exists(c, c.name == s.name && c.image != s.image)) || ' +
  'self.spec.initContainers.exists(s, has(s.restartPolicy) && s.restartPolicy == "Always" && ' +
  'self.status.initContainerStatuses.exists(c, c.name == s.name && c.image != s.image))';

/** CEL: every container runs ready on its spec image. */
const CONTAINERS_UP =
  'self.spec.containers.all(s, self.status.containerStatuses.exists(c, c.name == s.name && c.ready && c.image == s.image))';

/** CEL: every spec.readinessGates condition is True. */
const GATES_TRUE =
  'self.spec.readinessGates.all(g, self.status.conditions.exists(c, c.type == g.conditionType && c.status == "True"))';

/** CEL: the pod has condition `type` with status `status` (a CEL string expression). */
const hasCondition = (type: string, status: string): string =>
  `self.status.conditions.exists(c, c.type == "${type}" && c.status == ${status})`;

/** CEL: ContainersReady or Ready differ from what the kubelet computes (containers ready AND all gates True). */
const CONDITIONS_STALE = [
  `!${hasCondition('ContainersReady', `(${CONTAINERS_UP} ? "True" : "False")`)}`,
  `!${hasCondition('Ready', `(${CONTAINERS_UP} && ${GATES_TRUE} ? "True" : "False")`)}`,
].join(' || ');

/** CEL: the API server counts pod generations (1.33+) and the status does not reflect the latest yet. */
const GENERATION_BEHIND = 'self.metadata.generation != 0 && self.status.observedGeneration != self.metadata.generation';

const OWNED_BY_JOB = 'self.metadata.ownerReferences.exists(o, o.kind == "Job")';
const DELETING = 'has(self.metadata.deletionTimestamp)';
/**
 * CEL: the pod's deletion grace period is already 0. A DELETE with grace 0 of a terminating pod first writes
 * that grace period (an update, seen by every pod watcher) and then removes the pod, or leaves it to its
 * finalizers. Deleting it again on that update would only earn a 404 (or change nothing): at the issue's
 * node-upgrade scale that was half of kwok's DELETEs, 7 % of all API requests.
 */
const GRACE_ZERO = 'has(self.metadata.deletionGracePeriodSeconds) && self.metadata.deletionGracePeriodSeconds == 0';
const RUNNING = 'self.status.phase == "Running"';
/** CEL: an image pull pod of an ImagePrewarm (src/release/prewarm/pull-pod.ts). */
const PULL_POD = '"apps.plinth.dev/prewarm-pull" in self.metadata.labels';
const PULL_REPORTED = 'self.status.initContainerStatuses.size() > 0';
const HAS_IP = 'self.status.podIP != ""';

/** One selector requirement: all of `exprs`, in order. */
const allOf = (...exprs: string[]): CelRequirement[] => [when(exprs.map((e) => `(${e})`).join(' && '))];

/**
 * Go template: imageID for image expression `img`: `<repository>@sha256:<hash of the image reference>`
 * (the reference itself when it is pinned by digest). A new image always gets a new imageID.
 */
const imageId = (img: string): string =>
  `{{ if contains "@sha256:" ${img} }}{{ ${img} | Quote }}{{ else }}{{ printf "%s@sha256:%s" (regexReplaceAll ":[^:/@]+$" ${img} "") (sha256sum ${img}) | Quote }}{{ end }}`;

/** Go template: a deterministic containerID per pod, container and restart count. */
const containerId = (name: string, restarts: string): string =>
  `{{ printf "containerd://%s" (sha256sum (printf "%s/%s/%v" $pod.metadata.uid ${name} ${restarts})) | Quote }}`;

/** Go template: `$old` := the status of container `$s` (empty dict if none). */
const FIND_OLD = [
  '{{ $old := dict }}',
  '{{ range $statuses }}{{ if eq (get . "name") $s.name }}{{ $old = . }}{{ end }}{{ end }}',
];

/** Go template lines of a freshly started, ready container `$s` (list item). */
const FRESH_CONTAINER = [
  '- name: {{ $s.name | Quote }}',
  `  image: {{ $s.image | Quote }}`,
  `  imageID: ${imageId('$s.image')}`,
  `  containerID: ${containerId('$s.name', '0')}`,
  '  ready: true',
  '  started: true',
  '  restartCount: 0',
  '  state:',
  '    running:',
  '      startedAt: {{ $now | Quote }}',
];

/**
 * Every template starts so: `$now`, `$pod`, `$statuses`, and status.observedGeneration = the pod's
 * generation where the API server tracks it (1.33+, PodObservedGenerationTracking), as a kubelet does.
 */
const HEADER = [
  '{{ $now := Now }}',
  '{{ $pod := . }}',
  '{{ $statuses := .status.containerStatuses | default list }}',
  '{{ with .metadata.generation }}observedGeneration: {{ . }}{{ end }}',
];

/**
 * Go template lines: from `$conds` (the pod's conditions) and `$unready` (names of containers not ready on their
 * spec image), the ContainersReady and Ready conditions a kubelet computes (Ready = containers ready AND every
 * spec.readinessGates condition True), as list items under a `conditions:` key. lastTransitionTime moves only
 * when the status changes.
 */
const READY_CONDITIONS = [
  '{{ $gateMsg := "" }}',
  '{{ range (.spec.readinessGates | default list) }}',
  '{{ $t := .conditionType }}',
  '{{ $st := "" }}',
  '{{ range $conds }}{{ if eq (get . "type") $t }}{{ $st = get . "status" }}{{ end }}{{ end }}',
  '{{ if and (eq $gateMsg "") (ne $st "True") }}',
  '{{ if eq $st "" }}{{ $gateMsg = printf "corresponding condition of pod readiness gate %q does not exist." $t }}',
  '{{ else }}{{ $gateMsg = printf "the status of pod readiness gate %q is not \\"True\\", but %s" $t $st }}{{ end }}',
  '{{ end }}',
  '{{ end }}',
  '{{ $crStatus := "True" }}{{ $crReason := "" }}{{ $crMsg := "" }}',
  '{{ if $unready }}{{ $crStatus = "False" }}{{ $crReason = "ContainersNotReady" }}{{ $crMsg = printf "containers with unready status: [%s]" (join " " $unready) }}{{ end }}',
  '{{ $rStatus := $crStatus }}{{ $rReason := $crReason }}{{ $rMsg := $crMsg }}',
  '{{ if and (not $unready) (ne $gateMsg "") }}{{ $rStatus = "False" }}{{ $rReason = "ReadinessGatesNotReady" }}{{ $rMsg = $gateMsg }}{{ end }}',
  '{{ $oldCR := dict }}{{ $oldR := dict }}',
  '{{ range $conds }}{{ if eq (get . "type") "ContainersReady" }}{{ $oldCR = . }}{{ end }}{{ if eq (get . "type") "Ready" }}{{ $oldR = . }}{{ end }}{{ end }}',
  '- type: ContainersReady',
  '  status: {{ $crStatus | Quote }}',
  '  reason: {{ if $crReason }}{{ $crReason | Quote }}{{ else }}null{{ end }}',
  '  message: {{ if $crMsg }}{{ $crMsg | Quote }}{{ else }}null{{ end }}',
  '  lastProbeTime: null',
  '  lastTransitionTime: {{ if eq (get $oldCR "status") $crStatus }}{{ get $oldCR "lastTransitionTime" | Quote }}{{ else }}{{ $now | Quote }}{{ end }}',
  '- type: Ready',
  '  status: {{ $rStatus | Quote }}',
  '  reason: {{ if $rReason }}{{ $rReason | Quote }}{{ else }}null{{ end }}',
  '  message: {{ if $rMsg }}{{ $rMsg | Quote }}{{ else }}null{{ end }}',
  '  lastProbeTime: null',
  '  lastTransitionTime: {{ if eq (get $oldR "status") $rStatus }}{{ get $oldR "lastTransitionTime" | Quote }}{{ else }}{{ $now | Quote }}{{ end }}',
];

const START = tpl([
  ...HEADER,
  '{{ $ip := PodIPWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "") (or .metadata.name "") (or .metadata.namespace "") }}',
  'phase: Running',
  'hostIP: {{ NodeIPWith .spec.nodeName | Quote }}',
  'podIP: {{ $ip | Quote }}',
  'podIPs:',
  '- ip: {{ $ip | Quote }}',
  'startTime: {{ $now | Quote }}',
  // The containers start ready (no probes), so the same patch carries ContainersReady and Ready, computed as
  // ready-sync does (readiness gates included): a kubelet reporting a pod without probes writes them at once.
  '{{ $conds := .status.conditions | default list }}',
  '{{ $unready := list }}',
  'conditions:',
  '- type: Initialized',
  '  status: "True"',
  '  lastProbeTime: null',
  '  lastTransitionTime: {{ $now | Quote }}',
  ...READY_CONDITIONS,
  '{{ with .spec.initContainers }}',
  'initContainerStatuses:',
  '{{ range $s := . }}',
  // A native sidecar (restartPolicy Always) keeps running, as a kubelet reports it; other init containers completed.
  '{{ if eq (get $s "restartPolicy") "Always" }}',
  ...FRESH_CONTAINER,
  '{{ else }}',
  '- name: {{ $s.name | Quote }}',
  '  image: {{ $s.image | Quote }}',
  `  imageID: ${imageId('$s.image')}`,
  `  containerID: ${containerId('$s.name', '"init"')}`,
  '  ready: true',
  '  started: false',
  '  restartCount: 0',
  '  state:',
  '    terminated:',
  '      exitCode: 0',
  '      reason: Completed',
  '      startedAt: {{ $now | Quote }}',
  '      finishedAt: {{ $now | Quote }}',
  '{{ end }}',
  '{{ end }}',
  '{{ end }}',
  'containerStatuses:',
  '{{ range $s := .spec.containers }}',
  ...FRESH_CONTAINER,
  '{{ end }}',
]);

const READY_SYNC = tpl([
  ...HEADER,
  '{{ $conds := .status.conditions | default list }}',
  '{{ $unready := list }}',
  '{{ range $s := .spec.containers }}',
  '{{ $ok := false }}',
  '{{ range $statuses }}{{ if and (eq (get . "name") $s.name) (eq (get . "image") $s.image) (get . "ready") }}{{ $ok = true }}{{ end }}{{ end }}',
  '{{ if not $ok }}{{ $unready = append $unready $s.name }}{{ end }}',
  '{{ end }}',
  'conditions:',
  ...READY_CONDITIONS,
]);

/** Go template lines: container `$s` restarted on its new image, from its old status `$old` (list item). */
const RESTARTED_CONTAINER = [
  '{{ $restarts := add1 (get $old "restartCount" | default 0) }}',
  '{{ $state := get $old "state" | default dict }}',
  '{{ $running := get $state "running" | default dict }}',
  '- name: {{ $s.name | Quote }}',
  '  image: {{ $s.image | Quote }}',
  `  imageID: ${imageId('$s.image')}`,
  `  containerID: ${containerId('$s.name', '$restarts')}`,
  '  ready: true',
  '  started: true',
  '  restartCount: {{ $restarts }}',
  '  state:',
  '    running:',
  '      startedAt: {{ $now | Quote }}',
  '  lastState:',
  '    terminated:',
  '      exitCode: 0',
  '      reason: Completed',
  '      startedAt: {{ get $running "startedAt" | default $now | Quote }}',
  '      finishedAt: {{ $now | Quote }}',
  '      containerID: {{ get $old "containerID" | Quote }}',
];

/**
 * Go template lines: the init container statuses after an in-place restart: a native sidecar (restartPolicy
 * Always) whose image changed restarts on the new one, as a kubelet does; every other status stays as it was.
 */
const INIT_RESTART = [
  '{{ with .spec.initContainers }}',
  'initContainerStatuses:',
  '{{ $istatuses := $pod.status.initContainerStatuses | default list }}',
  '{{ range $s := . }}',
  '{{ $old := dict }}',
  '{{ range $istatuses }}{{ if eq (get . "name") $s.name }}{{ $old = . }}{{ end }}{{ end }}',
  '{{ if and $old (eq (get $s "restartPolicy") "Always") (ne (get $old "image") $s.image) }}',
  ...RESTARTED_CONTAINER,
  '{{ else if $old }}',
  '-{{ YAML $old 2 }}',
  '{{ else }}',
  ...FRESH_CONTAINER,
  '{{ end }}',
  '{{ end }}',
  '{{ end }}',
];

const INPLACE_RESTART = tpl([
  ...HEADER,
  ...INIT_RESTART,
  'containerStatuses:',
  '{{ range $s := .spec.containers }}',
  ...FIND_OLD,
  '{{ if and $old (ne (get $old "image") $s.image) }}',
  ...RESTARTED_CONTAINER,
  '{{ else if $old }}',
  // An unchanged container's status as it was. The template is nested under `status:` (guardedStatusPatch
  // indents its lines by 2), but YAML's own line breaks are not: the item's keys need 2 (list) + 2 (nesting).
  '-{{ YAML $old 2 }}',
  '{{ else }}',
  ...FRESH_CONTAINER,
  '{{ end }}',
  '{{ end }}',
]);

const OBSERVE = tpl(HEADER);

const JOB_COMPLETE = tpl([
  ...HEADER,
  'phase: Succeeded',
  'containerStatuses:',
  '{{ range $s := .spec.containers }}',
  ...FIND_OLD,
  '{{ $state := get $old "state" | default dict }}',
  '{{ $running := get $state "running" | default dict }}',
  '- name: {{ $s.name | Quote }}',
  '  image: {{ $s.image | Quote }}',
  `  imageID: ${imageId('$s.image')}`,
  '  ready: false',
  '  started: false',
  '  restartCount: {{ get $old "restartCount" | default 0 }}',
  '  state:',
  '    terminated:',
  '      exitCode: 0',
  '      reason: Completed',
  '      startedAt: {{ get $running "startedAt" | default $now | Quote }}',
  '      finishedAt: {{ $now | Quote }}',
  `      containerID: ${containerId('$s.name', '(get $old "restartCount" | default 0)')}`,
  '{{ end }}',
  'conditions:',
  '- type: ContainersReady',
  '  status: "False"',
  '  reason: PodCompleted',
  '  lastProbeTime: null',
  '  lastTransitionTime: {{ $now | Quote }}',
  '- type: Ready',
  '  status: "False"',
  '  reason: PodCompleted',
  '  lastProbeTime: null',
  '  lastTransitionTime: {{ $now | Quote }}',
]);

/**
 * A pull pod after its (simulated) pull: ErrImagePull for images tagged `:fail-pull`, else the image is on the node
 * and the pull container's command (a path no image has) fails to start, as runc reports it.
 */
const PULL_DONE = tpl([
  ...HEADER,
  '{{ $s := index .spec.initContainers 0 }}',
  'hostIP: {{ NodeIPWith .spec.nodeName | Quote }}',
  'startTime: {{ $now | Quote }}',
  '{{ if hasSuffix ":fail-pull" $s.image }}',
  'phase: Pending',
  'initContainerStatuses:',
  '- name: {{ $s.name | Quote }}',
  '  image: {{ $s.image | Quote }}',
  '  imageID: ""',
  '  ready: false',
  '  started: false',
  '  restartCount: 0',
  '  state:',
  '    waiting:',
  '      reason: ErrImagePull',
  '      message: {{ printf "failed to pull and unpack image %q: not found (simulated: images tagged :fail-pull never pull)" $s.image | Quote }}',
  '{{ else }}',
  'phase: Failed',
  'initContainerStatuses:',
  '- name: {{ $s.name | Quote }}',
  '  image: {{ $s.image | Quote }}',
  `  imageID: ${imageId('$s.image')}`,
  `  containerID: ${containerId('$s.name', '"init"')}`,
  '  ready: false',
  '  started: false',
  '  restartCount: 0',
  '  state:',
  '    terminated:',
  '      exitCode: 128',
  '      reason: StartError',
  '      message: {{ printf "failed to create containerd task: exec: %q: stat %s: no such file or directory" (index $s.command 0) (index $s.command 0) | Quote }}',
  '      startedAt: "1970-01-01T00:00:00Z"',
  '      finishedAt: {{ $now | Quote }}',
  '{{ end }}',
]);

export function podStages(o: PodStageOptions): StageDoc[] {
  const live = [not(DELETING), RUNNING, HAS_IP];
  return [
    stage('Pod', 'plinth-pod-start', allOf(not(DELETING), not(HAS_IP), not(PULL_POD)), { patches: [guardedStatusPatch(START)] }, o.podStartDelayMs),
    stage('Pod', 'plinth-pod-pull', allOf(PULL_POD, not(DELETING), not(PULL_REPORTED)), { patches: [guardedStatusPatch(PULL_DONE)] }, o.pullMs),
    stage('Pod', 'plinth-pod-ready-sync', allOf(...live, not(PENDING_IMAGE), CONDITIONS_STALE), {
      patches: [guardedStatusPatch(READY_SYNC)],
    }),
    stage(
      'Pod',
      'plinth-pod-observe',
      // The cheap, usually false test first.
      allOf(GENERATION_BEHIND, ...live, not(PENDING_IMAGE), not(CONDITIONS_STALE)),
      { patches: [guardedStatusPatch(OBSERVE)] },
    ),
    stage(
      'Pod',
      'plinth-pod-inplace',
      allOf(...live, PENDING_IMAGE),
      {
        event: { type: 'Normal', reason: 'Killing', message: 'Container definition changed, will be restarted' },
        patches: [guardedStatusPatch(INPLACE_RESTART)],
      },
      o.inPlaceDelayMs,
    ),
    stage(
      'Pod',
      'plinth-pod-job-complete',
      // Only once ready-sync and observe have nothing left to do: no two stages ever match one pod.
      allOf(OWNED_BY_JOB, ...live, not(PENDING_IMAGE), not(GENERATION_BEHIND), not(CONDITIONS_STALE), hasCondition('ContainersReady', '"True"')),
      { patches: [guardedStatusPatch(JOB_COMPLETE)] },
      o.jobRunMs,
    ),
    stage('Pod', 'plinth-pod-delete', allOf(DELETING, not(GRACE_ZERO)), { delete: true }, o.podStopDelayMs),
  ];
}
