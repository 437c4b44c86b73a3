import type { Command } from 'commander';
import { act } from '../../run.js';

interface ConvertFlags {
  to: string;
  filename: string[];
  outputDir?: string;
  showChanges: boolean;
}

const collect = (value: string, prev: string[]): string[] => [...prev, value];

/** `plinth upgrade convert --to VERSION -f FILE|DIR|- [...] [--output-dir DIR]` */
export function registerConvert(upgrade: Command): void {
  upgrade
    .command('convert')
    .description("rewrite manifests to the API versions a target Kubernetes version serves, with the field changes applied")
    .requiredOption('--to <version>', 'the target Kubernetes version, e.g. 1.34')
    .option('-f, --filename <path>', 'a manifest file, a directory (walked for .yaml/.yml/.json), or - for stdin; repeatable', collect, [])
    .option('--output-dir <dir>', 'write one file per input file here (same relative names) instead of stdout')
    .option('--show-changes', 'also list every field change on stderr (change: FILE:LINE: Kind namespace/name: what)', false)
    .addHelpText(
      'after',
      [
        '',
        'Objects still served by the target come back unchanged; comments and key order are kept.',
        'Objects whose API has no replacement (PodSecurityPolicy) are left out and replaced by a comment.',
        'Warnings (file:line) and a summary go to stderr.',
        'Exit codes: 0 converted; 3 converted, but some objects were left out; 1 error (nothing written).',
        'See docs/upgrade-convert.md.',
      ].join('\n'),
    )
    .action((opts: ConvertFlags, cmd: Command) =>
      act(async (o: ConvertFlags) => {
        const { runConvert } = await import('../../../../upgrade/migrate/convert/run.js');
        return runConvert(
          { to: o.to, files: o.filename, showChanges: o.showChanges, ...(o.outputDir !== undefined ? { outputDir: o.outputDir } : {}) },
          { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) },
        );
      })(opts, cmd),
    );
}
