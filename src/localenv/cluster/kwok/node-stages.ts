import { NODE_KUBELET_VERSION_ANNOTATION, NODE_READY_ANNOTATION } from './annotations.js';
import { stage, statusPatch, tpl, when, type StageDoc } from './stage.js';

/**
 * The simulated kubelet for nodes. Liveness comes from kwok's node leases (renewed every 10 s);
 * the node's status is written when it changes, plus a slow heartbeat like a real kubelet's:
 *
 *   plinth-node-initialize  no Ready condition        -> full status (conditions, capacity,
 *                                                         addresses, nodeInfo with the kubelet version)
 *   plinth-node-ready-sync  Ready != desired           -> Ready set to the desired value at once
 *   plinth-node-heartbeat   Ready == desired           -> lastHeartbeatTime refreshed (60-90 s)
 *
 * "Desired" is True unless the node carries the annotation kwok.plinth.dev/ready=false
 * (setNodeReady). A Ready=Unknown written by the node lifecycle controller while kwok was down
 * is therefore repaired as soon as kwok runs again.
 */

export interface NodeStageOptions {
  /** Kubelet version reported by nodes that do not say otherwise, e.g. v1.34.4. */
  kubeletVersion: string;
  heartbeatMs: number;
}

/** Defaults for nodes created without capacity (ours always carry it). */
export const NODE_CAPACITY = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '500Gi' } as const;

/** CEL: the Ready status the node should report: "False" when annotated so, else "True". */
const DESIRED = `(("${NODE_READY_ANNOTATION}" in self.metadata.annotations) && self.metadata.annotations["${NODE_READY_ANNOTATION}"] == "false" ? "False" : "True")`;

const readyIs = (op: '==' | '!='): string => `self.status.conditions.exists(c, c.type == "Ready" && c.status ${op} ${DESIRED})`;
const NO_READY = '!self.status.conditions.exists(c, c.type == "Ready")';

/** Go template: `$want` ("True"/"False") from the annotation, and reason/message to report. */
const WANT = [
  '{{ $now := Now }}',
  '{{ $ann := .metadata.annotations | default dict }}',
  '{{ $want := "True" }}',
  `{{ if eq (get $ann "${NODE_READY_ANNOTATION}") "false" }}{{ $want = "False" }}{{ end }}`,
  '{{ $reason := "KubeletReady" }}{{ $msg := "kubelet is posting ready status" }}',
  '{{ if eq $want "False" }}{{ $reason = "KubeletNotReady" }}{{ $msg = "container runtime is down (simulated by plinth: kwok.plinth.dev/ready=false)" }}{{ end }}',
];

const READY_CONDITION = [
  '- type: Ready',
  '  status: {{ $want | Quote }}',
  '  reason: {{ $reason | Quote }}',
  '  message: {{ $msg | Quote }}',
  '  lastHeartbeatTime: {{ $now | Quote }}',
  '  lastTransitionTime: {{ $now | Quote }}',
];

const pressure = (type: string, reason: string, message: string): string[] => [
  `- type: ${type}`,
  '  status: "False"',
  `  reason: ${reason}`,
  `  message: ${JSON.stringify(message)}`,
  '  lastHeartbeatTime: {{ $now | Quote }}',
  '  lastTransitionTime: {{ $now | Quote }}',
];

function initTemplate(kubeletVersion: string): string {
  const cap = JSON.stringify(NODE_CAPACITY);
  return tpl([
    ...WANT,
    '{{ $st := .status | default dict }}',
    '{{ $info := get $st "nodeInfo" | default dict }}',
    `{{ $kv := get $ann "${NODE_KUBELET_VERSION_ANNOTATION}" | default (get $info "kubeletVersion") | default ${JSON.stringify(kubeletVersion)} }}`,
    'conditions:',
    ...READY_CONDITION,
    ...pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    ...pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    ...pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    '{{ with get $st "addresses" }}',
    'addresses:{{ YAML . 1 }}',
    '{{ else }}',
    'addresses:',
    '- type: InternalIP',
    '  address: {{ NodeIP | Quote }}',
    '- type: Hostname',
    '  address: {{ .metadata.name | Quote }}',
    '{{ end }}',
    `capacity: {{ with get $st "capacity" }}{{ toJson . }}{{ else }}${cap}{{ end }}`,
    `allocatable: {{ with get $st "allocatable" }}{{ toJson . }}{{ else }}${cap}{{ end }}`,
    'nodeInfo:',
    // The architecture the node's kubernetes.io/arch label names (a member may simulate arm64 nodes).
    '  architecture: {{ get (.metadata.labels | default dict) "kubernetes.io/arch" | default "amd64" | Quote }}',
    '  operatingSystem: linux',
    '  osImage: "Plinth simulated node (kwok)"',
    '  kernelVersion: "6.1.0-kwok"',
    '  containerRuntimeVersion: {{ printf "kwok://%s" Version | Quote }}',
    '  kubeletVersion: {{ $kv | Quote }}',
    '  kubeProxyVersion: {{ $kv | Quote }}',
    '  machineID: {{ .metadata.uid | Quote }}',
    '  systemUUID: {{ .metadata.uid | Quote }}',
    '  bootID: {{ .metadata.uid | Quote }}',
    'daemonEndpoints:',
    '  kubeletEndpoint:',
    '    Port: 10250',
    'phase: Running',
  ]);
}

const READY_SYNC = tpl([...WANT, 'conditions:', ...READY_CONDITION]);

const HEARTBEAT = tpl([
  '{{ $now := Now }}',
  'conditions:',
  '{{ range .status.conditions }}',
  '- type: {{ .type | Quote }}',
  '  lastHeartbeatTime: {{ $now | Quote }}',
  '{{ end }}',
]);

export function nodeStages(o: NodeStageOptions): StageDoc[] {
  return [
    stage('Node', 'plinth-node-initialize', [when(NO_READY)], {
      patches: [statusPatch(initTemplate(o.kubeletVersion))],
    }),
    stage('Node', 'plinth-node-ready-sync', [when(readyIs('!='))], { patches: [statusPatch(READY_SYNC)] }),
    stage(
      'Node',
      'plinth-node-heartbeat',
      [when(readyIs('=='))],
      { patches: [statusPatch(HEARTBEAT)] },
      o.heartbeatMs,
      Math.round(o.heartbeatMs * 1.5),
    ),
  ];
}
