import type { Command } from 'commander';
import { act } from '../../run.js';

/** `plinth upgrade export -d DIR`: write a cluster's workloads and configuration to a directory. */
export function registerExport(upgrade: Command): void {
  upgrade
    .command('export')
    .description("export every object that defines the cluster's workloads and configuration: one YAML file per object plus an index")
    .requiredOption('-d, --dir <dir>', 'directory to write (new or empty, or an earlier export, which is replaced)')
    .option('--include-status', 'keep each object\'s status (default: stripped)', false)
    .option('--etcd-endpoints <urls>', 'also save an etcd v3 snapshot to DIR/etcd.snapshot from the first of these endpoints that answers (comma-separated)')
    .option('--etcd-cacert <file>', 'CA bundle of the etcd server')
    .option('--etcd-cert <file>', 'client certificate for etcd')
    .option('--etcd-key <file>', 'client key for etcd')
    .option('-o, --output <format>', 'report format: table|json', 'table')
    .addHelpText(
      'after',
      '\nUse the global --kubeconfig/--context to choose the source cluster; -n NS[,NS…] narrows the export to those namespaces.\nSee docs/upgrade-migrate.md for what is exported and what is left out. Exit codes: 0 done, 1 error.',
    )
    .action((opts: object, cmd: Command) =>
      act(async (o: { dir: string; includeStatus: boolean; etcdEndpoints?: string; etcdCacert?: string; etcdCert?: string; etcdKey?: string }, g) => {
        process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
        const { runExport } = await import('../../upgrade/migrate.js');
        return runExport(g, o);
      })(opts as never, cmd),
    );
}
