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
  CLUSTER_PURGE_NOT_CONFIRMED: {
    message: 'not deleting the data of local cluster {clusters}: {why}',
    hint: 'pass --yes to delete it without asking, or run `plinth down` without --purge to stop the cluster and keep its data',
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
  NAMESPACE_NOT_FOUND: {
    message: 'namespace {namespace} does not exist',
    hint: 'check -n/--namespace; list namespaces with `kubectl get namespaces`',
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
  UPGRADE_ASSESS_INPUT: {
    message: 'cannot read {path}: {detail}',
    hint: '{fix}',
    exit: 1,
    http: 400,
  },
  UPGRADE_ASSESS_UNKNOWN_VERSION: {
    message: 'unknown target version "{version}": {detail}',
    hint: 'give a Kubernetes minor the knowledge base covers, {range}, e.g. --to 1.30',
    exit: 1,
    http: 400,
  },
  UPGRADE_CONVERT_BAD_TARGET: {
    message: 'invalid --to {value}: {detail}',
    hint: 'give a Kubernetes minor version from 1.{oldest} to 1.{newest}, e.g. --to 1.34',
    exit: 1,
    http: 400,
  },
  UPGRADE_CONVERT_NO_INPUT: {
    message: 'cannot read {path}: {detail}',
    hint: 'pass existing manifest files or directories with -f (or -f - for stdin)',
    exit: 1,
    http: 400,
  },
  UPGRADE_CONVERT_BAD_MANIFEST: {
    message: '{file}:{line}: {detail}',
    hint: 'fix the manifest (it must be YAML or JSON); nothing was written',
    exit: 1,
    http: 400,
  },
  UPGRADE_CONVERT_WRITE_FAILED: {
    message: 'cannot write {path}: {detail}',
    hint: 'check that the output directory is writable and has free space; no output file was left half-written',
    exit: 1,
    http: 500,
  },
  UPGRADE_MIGRATE_INDEX_INVALID: {
    message: 'the export index {path} is unusable: {detail}',
    hint: 'point -d at a directory written by `plinth upgrade export`, or export again',
    exit: 1,
    http: 400,
  },
  UPGRADE_MIGRATE_OBJECT_INVALID: {
    message: 'exported object file {path} is unusable: {detail}',
    hint: 'restore the file from the export (or export again); the index names every file',
    exit: 1,
    http: 400,
  },
  UPGRADE_MIGRATE_DIR_UNUSABLE: {
    message: 'cannot export into {dir}: {detail}',
    hint: 'give -d an empty or new directory (an earlier export in it is replaced)',
    exit: 1,
    http: 400,
  },
  UPGRADE_MIGRATE_EXPORT_MODIFIED: {
    message: 'refusing to import {dir}: {count} file(s) differ from what the export wrote: {files}',
    hint: 'export again from the source (or restore the files); to import the files as they are now, run again with --allow-modified',
    exit: 1,
    http: 409,
  },
  UPGRADE_MIGRATE_TARGET_OLDER: {
    message: 'refusing to import an export of Kubernetes {source} into the older {target} at {server}: objects written through newer APIs may not be served or may lose fields',
    hint: 'import into a cluster of version {source} or newer (to go back, start the old control plane again: `plinth upgrade rollback`)',
    exit: 1,
    http: 409,
  },
  UPGRADE_MIGRATE_VERSION_UNKNOWN: {
    message: 'cannot tell the Kubernetes version of {server}: /version says {version}',
    hint: 'check --kubeconfig/--context point at a Kubernetes API server',
    exit: 1,
    http: 502,
  },
  UPGRADE_MIGRATE_ETCD_SNAPSHOT: {
    message: 'etcd snapshot failed: {detail}',
    hint: 'check --etcd-endpoints and the --etcd-cacert/--etcd-cert/--etcd-key files, or export without --etcd-endpoints',
    exit: 1,
    http: 502,
  },
  UPGRADE_MIGRATE_CRD_NOT_ESTABLISHED: {
    message: 'CustomResourceDefinitions not Established after {seconds}s: {names}',
    hint: 'see `kubectl get crd NAME -o yaml` (status.conditions) on the target, fix it, and run the import again (it resumes)',
    exit: 1,
    http: 504,
  },
  UPGRADE_MIGRATE_IMPORT_INCOMPLETE: {
    message: 'import finished with {failed} of {total} objects failed (first: {first})',
    hint: 'fix the cause shown in the report and run `plinth upgrade import` again: it resumes and skips what is applied',
    exit: 4,
    http: 500,
  },
  UPGRADE_MIGRATE_VERIFY_FAILED: {
    message: 'verification failed: {detail}',
    hint: 'see the report; rerun `plinth upgrade import` (it resumes) or wait and run it again with a longer --timeout',
    exit: 5,
    http: 500,
  },
  UPGRADE_SWITCH_NO_KEPT_CLUSTER: {
    message: 'no kept local cluster "{cluster}" in {stateDir}',
    hint: 'start it once with `plinth local start --name {cluster} --kube-version old|new`, or stop a running one with `plinth local stop --name {cluster} --keep-data`',
    exit: 1,
    http: 404,
  },
  UPGRADE_SWITCH_PLAN_INVALID: {
    message: 'invalid switch plan {file}: {detail}',
    hint: '{fix}',
    exit: 1,
    http: 400,
  },
  UPGRADE_SWITCH_HOST_FAILED: {
    message: 'host "{host}" failed during {phase}: `{command}` {detail}',
    hint: 'see {log}; nothing else was changed. {fix}',
    exit: 1,
    http: 502,
  },
  UPGRADE_SWITCH_PHASE_FAILED: {
    message: '{operation} failed in phase {phase}: {detail}',
    hint: '{fix}',
    exit: 1,
    http: 500,
  },
  UPGRADE_SWITCH_REFUSED: {
    message: 'cannot {operation}: {detail}',
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
  UPGRADE_NODES_PREFLIGHT_FAILED: {
    message: 'the upgrade action failed its preflight on {failed} of {total} node(s), so no node was cordoned or drained: {detail}',
    hint: '{fix}, then run again (--skip-preflight skips this check)',
    exit: 1,
    http: 412,
  },
  CONSOLE_NOT_SIGNED_IN: {
    message: 'not signed in: {detail}',
    hint: 'sign in with POST /api/v1/session {"token": "..."} (a Kubernetes bearer token, e.g. from `kubectl create token`)',
    exit: 1,
    http: 401,
  },
  CONSOLE_SIGNIN_REFUSED: {
    message: 'sign-in refused: {detail}',
    hint: 'give a valid Kubernetes bearer token for this cluster, e.g. from `kubectl create token SERVICEACCOUNT -n NAMESPACE`',
    exit: 1,
    http: 401,
  },
  CONSOLE_CSRF: {
    message: 'a write without the right X-Plinth-CSRF header was refused',
    hint: 'send the csrfToken of GET /api/v1/session in the X-Plinth-CSRF header',
    exit: 1,
    http: 403,
  },
  CONSOLE_NO_ROUTE: {
    message: 'no API route {method} {url}',
    hint: 'see the routes in /api/v1/openapi.json',
    exit: 1,
    http: 404,
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
