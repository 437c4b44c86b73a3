import type { Command } from 'commander';
import { intOption } from '../../context.js';
import { act } from '../../run.js';

/** `plinth upgrade import -d DIR`: apply an export to (a newer) cluster, then verify it. */
export function registerImport(upgrade: Command): void {
  upgrade
    .command('import')
    .description("apply an export to this cluster in dependency order (converted to the cluster's APIs, server-side apply), then verify it")
    .requiredOption('-d, --dir <dir>', 'directory written by `plinth upgrade export`')
    .option('--no-verify', 'do not check that objects exist and workloads become ready')
    .option('--new-cluster-ips', "let the cluster allocate new cluster IPs to services (default: ask for the source's where this cluster's service range has them)")
    .option('--allow-modified', "import files that differ from the export's index (changed, added or removed) instead of refusing; they are named as warnings")
    .option('--timeout <seconds>', 'how long workloads may take to become ready', intOption('--timeout', 1, 86400), 300)
    .option('-o, --output <format>', 'report format: table|json', 'table')
    .addHelpText(
      'after',
      '\nUse the global --kubeconfig/--context to choose the target cluster. Importing into a cluster older than the export\'s source is refused.\n' +
        'An export whose files differ from what `plinth upgrade export` wrote is refused unless --allow-modified.\n' +
        'An interrupted import resumes when run again (DIR/import-progress.json). Exit codes: 0 done and verified, 1 error, 4 some objects failed, 5 verification failed.',
    )
    .action((opts: object, cmd: Command) =>
      act(async (o: { dir: string; verify: boolean; timeout: number; newClusterIps?: boolean; allowModified?: boolean }, g) => {
        process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
        const { runImport } = await import('../../upgrade/migrate.js');
        return runImport(g, o);
      })(opts as never, cmd),
    );
}
