import type { Command } from 'commander';
import { act } from '../../run.js';

/** `plinth fleet` verbs of this area: sources. */
export function registerFleetSourceCommands(fleet: Command): void {
  fleet
    .command('sources')
    .description('list GitSources: URL, ref, fetched commit, Ready, when fetched')
    .option('-A, --all-namespaces', 'list the GitSources of every namespace', false)
    .option('-o, --output <format>', 'output format: table|wide|json|yaml|name', 'table')
    .addHelpText('after', '\n-o wide adds the Ready message (e.g. which file:line failed to render); -o json prints {items: [...]} with every artifact.')
    .action((opts: { allNamespaces: boolean }, cmd: Command) =>
      act(async (o: { allNamespaces: boolean }, g) => {
        process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
        const { openClient } = await import('../../../../kube/client.js');
        const { listSources, renderSources } = await import('../../../../fleet/source/list.js');
        const s = await openClient(g, { userAgent: 'plinth-cli/fleet' });
        try {
          const rows = await listSources(s.client, o.allNamespaces ? undefined : s.namespace);
          if (rows.length === 0 && (g.output === 'table' || g.output === 'wide')) {
            process.stderr.write(o.allNamespaces ? 'No GitSources found.\n' : `No GitSources found in namespace ${s.namespace}.\n`);
            return;
          }
          process.stdout.write(renderSources(rows, g.output, o.allNamespaces));
        } finally {
          s.close();
        }
      })(opts, cmd),
    );
}
