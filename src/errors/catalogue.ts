/**
 * The one catalogue of Plinth's error codes. Every error a user can see has a code here,
 * with a message template, a hint saying what to do, a CLI exit code and an HTTP status.
 * Add a code here rather than throwing a bare Error with user-facing text.
 */
export interface ErrorSpec {
  /** One line: what went wrong. `{name}` placeholders are filled from the error's params. */
  readonly message: string;
  /** One line: what the user can do about it. */
  readonly hint: string;
  /** Process exit code for the CLI (0 is never used here). */
  readonly exit: number;
  /** HTTP status for the REST API. */
  readonly http: number;
}

export const ERRORS = {
  INTERNAL: {
    message: 'internal error: {detail}',
    hint: 'run again with --debug and report the stack trace',
    exit: 1,
    http: 500,
  },
  INVALID_ARGUMENT: {
    message: 'invalid {what}: {detail}',
    hint: '{fix}',
    exit: 1,
    http: 400,
  },
  GO_MISSING: {
    message: 'the Go toolchain was not found on PATH (needed to build the local Kubernetes binaries)',
    hint: 'install Go 1.21 or newer (e.g. apt-get install golang, or from the Go downloads) and put `go` on PATH',
    exit: 1,
    http: 500,
  },
  DISK_FULL: {
    message: 'not enough free disk space in {dir}: {free} free, {need} needed',
    hint: 'free some space or point PLINTH_CACHE_DIR at a larger disk',
    exit: 1,
    http: 500,
  },
  BUILD_FAILED: {
    message: 'building {component} {version} failed at step "{step}"',
    hint: 'see the build log at {log}',
    exit: 1,
    http: 500,
  },
  CLUSTER_START_FAILED: {
    message: 'local cluster "{cluster}" did not start: {component} {detail}',
    hint: 'see the component log at {log}',
    exit: 1,
    http: 500,
  },
  CLUSTER_NOT_RUNNING: {
    message: 'no local cluster "{cluster}" is running',
    hint: 'start one with `plinth up`',
    exit: 1,
    http: 404,
  },
  CLUSTER_ALREADY_RUNNING: {
    message: 'local cluster "{cluster}" is already running (kubeconfig: {kubeconfig})',
    hint: 'use it as it is, or stop it first with `plinth down`',
    exit: 1,
    http: 409,
  },
  KUBECONFIG_INVALID: {
    message: 'cannot load kubeconfig {path}: {detail}',
    hint: 'check --kubeconfig / KUBECONFIG, or start a local cluster with `plinth up`',
    exit: 1,
    http: 500,
  },
  KUBE_UNREACHABLE: {
    message: 'cannot reach the Kubernetes API at {server}: {detail}',
    hint: 'check that the cluster is running and that --kubeconfig/--context point at it',
    exit: 1,
    http: 502,
  },
  KUBE_API: {
    message: 'Kubernetes API {verb} {target} failed: {status} {reason}: {detail}',
    hint: '{fix}',
    exit: 1,
    http: 502,
  },
  NOT_LEADER: {
    message: 'this instance lost leadership of {lease}',
    hint: 'another instance took over; this one stops its controllers',
    exit: 1,
    http: 503,
  },
  TIMEOUT: {
    message: 'timed out after {seconds}s waiting for {what}',
    hint: '{fix}',
    exit: 1,
    http: 504,
  },
  CRD_DRIFT: {
    message: 'committed CRD {file} differs from the one generated from src/api',
    hint: 'run `npm run crds` and commit deploy/crds/',
    exit: 1,
    http: 500,
  },
  GO_TOO_OLD: {
    message: 'the go on PATH is too old to build the local Kubernetes binaries: {found} (need {need} or newer)',
    hint: 'install a newer Go (it then fetches the exact pinned toolchains itself) and put it first on PATH',
    exit: 1,
    http: 500,
  },
  RELEASE_NOT_FOUND: {
    message: 'no {what} named "{name}" in namespace {namespace}',
    hint: '{fix}',
    exit: 1,
    http: 404,
  },
  RELEASE_NO_ORDER: {
    message: 'CellDeployment {namespace}/{name} has no release order yet: {detail}',
    hint: 'a release order is created when its template changes; see `kubectl get releaseorders -n {namespace}`',
    exit: 1,
    http: 404,
  },
  RELEASE_ACTION_REFUSED: {
    message: 'cannot {action} release order {namespace}/{order}: {detail}',
    hint: '{fix}',
    exit: 1,
    http: 409,
  },
  RELEASE_FAILED: {
    message: 'release order {namespace}/{order} failed{detail}',
    hint: '{fix}',
    exit: 1,
    http: 409,
  },
  UPGRADE_NODES_LOCKED: {
    message: 'another node upgrade run acts on this cluster: {holder} holds lease {lease} (renewed {renewed})',
    hint: 'wait for it to finish, or pause/abort it with `plinth upgrade nodes --pause|--abort --name RUN`; a crashed run\'s lease runs out after 20 s',
    exit: 1,
    http: 409,
  },
  UPGRADE_NODES_NO_NODES: {
    message: 'no node matches the selector {selector}',
    hint: 'check the labels with `kubectl get nodes --show-labels` and fix -l',
    exit: 1,
    http: 404,
  },
  UPGRADE_NODES_UNFINISHED: {
    message: 'run "{run}" is not finished yet ({phase})',
    hint: 'continue it with `plinth upgrade nodes --resume --name {run}`, abort it with --abort, or start another run with --name',
    exit: 1,
    http: 409,
  },
  UPGRADE_NODES_NO_RUN: {
    message: 'no node upgrade run named "{run}" in namespace {namespace}',
    hint: 'start one with `plinth upgrade nodes --max-unavailable N …`, or check --name and --state-namespace',
    exit: 1,
    http: 404,
  },
  UPGRADE_NODES_NOT_RUNNING: {
    message: 'cannot {action} run "{run}": it is {phase}',
    hint: 'see it with `plinth upgrade nodes --status --name {run}`; a finished run is replaced by starting a new one',
    exit: 1,
    http: 409,
  },
  UPGRADE_NODES_LEASE_LOST: {
    message: 'run "{run}" lost its lease {lease}; it stopped acting',
    hint: 'check the API server, then continue with `plinth upgrade nodes --resume --name {run}`',
    exit: 1,
    http: 503,
  },
  UPGRADE_NODES_FAILED: {
    message: 'run "{run}" finished with failures: {detail}',
    hint: 'see the report; failed nodes are left cordoned for you to check (`plinth upgrade nodes --status --name {run}`)',
    exit: 4,
    http: 409,
  },
  UPGRADE_NODES_ABORTED: {
    message: 'run "{run}" was aborted',
    hint: 'nodes not yet upgraded were uncordoned; start a new run when ready',
    exit: 5,
    http: 409,
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
