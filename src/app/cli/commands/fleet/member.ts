import type { Command } from 'commander';
import type { GlobalOptions } from '../../context.js';
import { act } from '../../run.js';

const OUTPUT_HELP = 'output format: table|wide|json|yaml|name';

function quietLogs(g: GlobalOptions): void {
  process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
}

/** The user the kubeconfig acts as (SelfSubjectReview, else the kubeconfig's user), for the Events of accept and leave. */
async function who(s: { client: import('../../../../kube/http.js').KubeClient; kc: import('@kubernetes/client-node').KubeConfig }): Promise<string> {
  const { whoAmI } = await import('../../../../release/steer/identity.js');
  return (await whoAmI(s.client, s.kc)).user;
}

/** `plinth fleet` verbs of this area: clusters, token create, join, accept, leave. */
export function registerFleetMemberCommands(fleet: Command): void {
  fleet
    .command('clusters')
    .description('list member clusters: accepted, joined, connected, ready, version, nodes, tier, region, arch, heartbeat')
    .option('-l, --selector <selector>', 'only members whose labels match (kubectl syntax, e.g. tier=edge)')
    .option('-o, --output <format>', OUTPUT_HELP, 'table')
    .action((opts: { selector?: string }, cmd: Command) =>
      act(async (o: { selector?: string }, g) => {
        quietLogs(g);
        const { openClient } = await import('../../../../kube/client.js');
        const { listMembers } = await import('../../../../fleet/member/actions.js');
        const { render } = await import('../../../../term/output.js');
        const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
        try {
          const rows = await listMembers(s.client, o.selector);
          process.stdout.write(
            render(g.output, {
              items: rows,
              json: { items: rows },
              name: (r) => `membercluster/${r.name}`,
              columns: [
                { header: 'name', value: (r) => r.name },
                { header: 'accepted', value: (r) => r.accepted },
                { header: 'joined', value: (r) => r.joined },
                { header: 'connected', value: (r) => r.connected },
                { header: 'ready', value: (r) => r.ready },
                { header: 'version', value: (r) => r.version },
                { header: 'nodes', value: (r) => r.nodes },
                { header: 'tier', value: (r) => r.tier },
                { header: 'region', value: (r) => r.region, wide: true },
                { header: 'arch', value: (r) => r.arch, wide: true },
                { header: 'agent', value: (r) => r.agentVersion, wide: true },
                { header: 'heartbeat', value: (r) => r.heartbeatAge },
              ],
            }),
          );
        } finally {
          s.close();
        }
      })(opts, cmd),
    );

  const token = fleet.command('token').description('join tokens (hub admin)');
  token
    .command('create')
    .description('mint a short-lived join token (TokenRequest for the plinth-join ServiceAccount) and print the join command')
    .option('--ttl <duration>', 'how long the token works: e.g. 30m, 1h, 2h30m (at least 10m)', '1h')
    .option('-o, --output <format>', 'output format: table|json|yaml', 'table')
    .addHelpText('after', '\nThe token may only create and read CertificateSigningRequests; a member it joins has no access until `plinth fleet accept NAME`.')
    .action((opts: { ttl: string }, cmd: Command) =>
      act(async (o: { ttl: string }, g) => {
        quietLogs(g);
        const { openClient } = await import('../../../../kube/client.js');
        const { createJoinToken, parseTtl } = await import('../../../../fleet/member/token.js');
        const { formatOutput } = await import('../../../../term/output.js');
        const ttl = parseTtl(o.ttl);
        const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
        try {
          const t = await createJoinToken(s.client, s.kc, ttl);
          const text = () =>
            [
              `token:      ${t.token}`,
              `expires:    ${t.expiresAt}`,
              `hub:        ${t.hub}`,
              `hub CA:     ${t.caHash}`,
              '',
              'On the member (its kubeconfig current), run:',
              `  ${t.command}`,
              '',
            ].join('\n');
          process.stdout.write(formatOutput(g.output, t, () => `${t.token}\n`, text));
        } finally {
          s.close();
        }
      })(opts, cmd),
    );

  fleet
    .command('join <name>')
    .description('join this member cluster (the kubeconfig\'s) to a hub: create a key and a certificate request on the hub')
    .requiredOption('--hub <url>', "the hub's API server URL, e.g. https://hub.example:6443")
    .requiredOption('--token <token>', 'a join token from `plinth fleet token create` on the hub')
    .option('--hub-ca-file <file>', "the hub API server's CA bundle (PEM)")
    .option('--hub-ca-data <base64>', "the hub API server's CA bundle, base64 of the PEM (as `token create` prints it)")
    .option('--labels <k=v,...>', 'labels the member asks for, e.g. tier=edge,region=east,arch=arm64')
    .option('--force', 'join again although this member holds a hub kubeconfig already (after leave, or another hub)', false)
    .option('--wait', 'wait until the hub accepts and the certificate is issued, then write the hub kubeconfig', false)
    .option('--timeout <seconds>', 'with --wait: give up after this long', '600')
    .option('-o, --output <format>', 'output format: table|json|yaml', 'table')
    .addHelpText('after', '\nThe key stays in the member (Secret plinth-system/plinth-agent-hub); the hub gets only the request.')
    .action((name: string, opts: { hub: string; token: string; hubCaFile?: string; hubCaData?: string; labels?: string; wait: boolean; force: boolean; timeout: string }, cmd: Command) =>
      act(async (o: typeof opts, g) => {
        quietLogs(g);
        const { readFileSync } = await import('node:fs');
        const { PlinthError } = await import('../../../../errors/index.js');
        const { openClient } = await import('../../../../kube/client.js');
        const { startJoin, completeJoin } = await import('../../../../fleet/member/join.js');
        const { parseLabelList } = await import('../../../../fleet/member/selector-parse.js');
        const { formatOutput } = await import('../../../../term/output.js');
        const caPem = o.hubCaFile ? readFileSync(o.hubCaFile, 'utf8') : o.hubCaData ? Buffer.from(o.hubCaData, 'base64').toString('utf8') : '';
        if (!caPem.includes('BEGIN CERTIFICATE')) {
          throw new PlinthError('INVALID_ARGUMENT', { what: 'hub CA', detail: 'no --hub-ca-file or --hub-ca-data with a PEM certificate', fix: 'pass the CA that `plinth fleet token create` printed (--hub-ca-data) or its file (--hub-ca-file)' });
        }
        const labels = parseLabelList(o.labels);
        const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
        try {
          const started = await startJoin(s.client, { name, hub: { server: o.hub, caPem }, token: o.token, labels, force: o.force });
          let state: { state: string; notAfter?: string } = { state: 'pending' };
          if (o.wait) {
            if (process.stderr.isTTY) process.stderr.write(`waiting for the hub to accept ${name} (plinth fleet accept ${name})…\n`);
            const r = await completeJoin(s.client, { wait: true, timeoutMs: Number(o.timeout) * 1000 });
            state = r.state === 'issued' ? { state: 'issued', notAfter: r.notAfter } : { state: r.state };
          }
          const out = { ...started, ...state };
          const text = () =>
            state.state === 'issued'
              ? `member ${name} joined: certificate for ${started.user} issued (valid until ${state.notAfter}); hub kubeconfig in Secret plinth-system/plinth-agent-hub\n`
              : `member ${name} asked to join (CSR ${started.csr}); the hub admin accepts with: plinth fleet accept ${name}\n`;
          process.stdout.write(formatOutput(g.output, out, () => `membercluster/${name}\n`, text));
        } finally {
          s.close();
        }
      })(opts, cmd),
    );

  fleet
    .command('accept <name>')
    .description('accept a member that asked to join: its agent gets its namespace, its RBAC and its certificate')
    .action((name: string, opts: object, cmd: Command) =>
      act(async (_o: object, g) => {
        quietLogs(g);
        const { openClient } = await import('../../../../kube/client.js');
        const { acceptMember } = await import('../../../../fleet/member/actions.js');
        const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
        try {
          const r = await acceptMember(s.client, name, await who(s));
          process.stdout.write(r.alreadyAccepted ? `membercluster/${name} was accepted already\n` : `membercluster/${name} accepted\n`);
        } finally {
          s.close();
        }
      })(opts, cmd),
    );

  fleet
    .command('leave <name>')
    .description('remove a member: its MemberCluster, its hub namespace with its ClusterDeliveries, its RBAC (the agent cleans up the member)')
    .option('--yes', 'confirm', false)
    .option('--timeout <seconds>', 'wait this long for the namespace to go', '120')
    .action((name: string, opts: { yes: boolean; timeout: string }, cmd: Command) =>
      act(async (o: typeof opts, g) => {
        quietLogs(g);
        const { PlinthError } = await import('../../../../errors/index.js');
        const { memberNamespace } = await import('../../../../fleet/names.js');
        if (!o.yes) throw new PlinthError('FLEET_LEAVE_NOT_CONFIRMED', { name, namespace: memberNamespace(name) });
        const { openClient } = await import('../../../../kube/client.js');
        const { leaveMember } = await import('../../../../fleet/member/actions.js');
        const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
        try {
          const progress = process.stderr.isTTY ? (m: string): void => void process.stderr.write(`${m}\n`) : undefined;
          const r = await leaveMember(s.client, name, await who(s), { timeoutMs: Number(o.timeout) * 1000, ...(progress ? { onProgress: progress } : {}) });
          process.stdout.write(`membercluster/${name} left; namespace ${r.namespace} removed\n`);
        } finally {
          s.close();
        }
      })(opts, cmd),
    );
}
