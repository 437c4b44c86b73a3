import type { Command } from 'commander';
import type { CommandFlags } from '../../upgrade/nodes.js';
import { act } from '../../run.js';

const HELP = `
Rolls the selected nodes in a sliding window: at most --max-unavailable nodes are in flight and the
next starts the moment one finishes. Per node: cordon, drain through the Eviction API (respecting
PodDisruptionBudgets; DaemonSet and mirror pods stay), run the upgrade action, wait until the node
is Ready (with --kubelet-version / --simulate-version: reporting that version), uncordon, then wait
until the workloads whose pods were evicted are back to their ready counts.

The action's {node} is replaced by the node name (shell-quoted in commands):
  --exec './upgrade-kubelet.sh {node}'                 run locally with sh -c (env PLINTH_NODE too)
  --ssh 'admin@{node}' --ssh-command 'sudo /opt/up.sh'  run over the system ssh (BatchMode)
  --simulate-version v1.35.0                            simulated (kwok) nodes report that kubelet

Before the first node is cordoned, the action is tried once on every node it will run on (over ssh:
\`true\` on each host, or --preflight CMD; with --exec: --preflight CMD if given; simulated: each node
must be one). Any failure stops the run there, naming the nodes and why. --skip-preflight skips it.
When every selected node already reports the requested version, no run is started.

The run's state lives in ConfigMap plinth-upgrade-nodes-RUN in --state-namespace, guarded by the
Lease plinth-upgrade-nodes there: one run acts on a cluster at a time, and a run that was
interrupted continues where it stopped with --resume.

  --status   show a run (table or -o json)          --pause   nodes in flight finish, then it stops
  --resume   continue a paused or interrupted run    --abort   drains stop, their nodes are uncordoned

Exit codes: 0 all nodes upgraded (or paused), 1 error, 4 nodes failed (left cordoned), 5 aborted.
See docs/upgrade-nodes.md.`;

/** The flags as commander hands them over (a type import: the implementation still loads only when run). */
type Flags = CommandFlags;

/** `plinth upgrade nodes`: roll nodes to a new kubelet in a sliding window (pause, resume, abort, status). */
export function registerNodes(upgrade: Command): void {
  upgrade
    .command('nodes')
    .description('roll nodes in a sliding window: cordon, drain (PDB-safe), upgrade, wait Ready, uncordon, health gate')
    .option('-l, --selector <selector>', 'label selector of the nodes to upgrade (default: all nodes)')
    .option('--max-unavailable <n|%>', 'nodes in flight at once: a count (e.g. 3) or a percentage of the selected nodes (e.g. 10%)')
    .option('--exec <command>', 'upgrade action run locally with sh -c; {node} becomes the node name')
    .option('--ssh <destination>', "upgrade over ssh, e.g. 'admin@{node}' (needs --ssh-command)")
    .option('--ssh-command <command>', 'the remote command for --ssh; {node} becomes the node name')
    .option('--simulate-version <version>', 'simulated nodes: report this kubelet version (local kwok clusters)')
    .option('--preflight <command>', 'run on every node before the first drain (--exec: locally; --ssh: on the host, default `true`); any failure stops the run before it cordons a node')
    .option('--skip-preflight', 'start without reaching every node with the action first')
    .option('--kubelet-version <version>', 'with --exec/--ssh: wait until the node reports this kubelet version')
    .option('--name <run>', 'name of the run (its state ConfigMap is plinth-upgrade-nodes-RUN)', 'default')
    .option('--state-namespace <namespace>', 'namespace of the run state and lease (created if missing)', 'plinth-system')
    .option('--drain-timeout <duration>', 'give up draining a node after this long (node left cordoned, failed)', '10m')
    .option('--pod-timeout <duration>', 'give up evicting one pod after this long', '5m')
    .option('--node-timeout <duration>', 'give up on a node after this long in total', '30m')
    .option('--health-timeout <duration>', 'give up waiting for the workloads after a node', '5m')
    .option('--delete-emptydir-data', 'evict pods with emptyDir volumes (their data is lost)', false)
    .option('--on-failure <stop|continue>', 'after a node fails: stop starting nodes, or continue (failed nodes keep their window slot)', 'stop')
    .option('--status', 'show the run and exit')
    .option('--pause', 'ask the running run to pause')
    .option('--resume', 'continue a paused or interrupted run with its stored settings')
    .option('--abort', 'abort the run')
    .option('-o, --output <format>', 'report format: table|wide|json|yaml', 'table')
    .addHelpText('after', HELP)
    .action((opts: Flags, cmd: Command) =>
      act(async (o: Flags, g) => {
        process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
        const { kwokKubelet } = await import('../../../../localenv/cluster/kwok/kubelet.js');
        const { nodesCommand } = await import('../../upgrade/nodes.js');
        return nodesCommand(o, g, kwokKubelet);
      })(opts, cmd),
    );
}
