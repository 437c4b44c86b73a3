import type { Command } from 'commander';
import { parseOutputFormat, type OutputFormat } from '../../term/output-format.js';

/** Options every command may read (kubectl-style globals). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  debug: boolean;
  output: OutputFormat;
}

/** Merge the command's own options with the program's global ones. */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{ kubeconfig?: string; context?: string; namespace?: string; debug?: boolean; output?: string }>();
  return {
    kubeconfig: o.kubeconfig,
    context: o.context,
    namespace: o.namespace,
    debug: o.debug === true,
    output: parseOutputFormat(o.output),
  };
}

/** Parse a whole number option, refusing anything else with a clear message. */
export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      // Commander turns this into "error: option '--x <n>' argument 'v' is invalid. <message>".
      throw new (class extends Error {
        code = 'commander.invalidArgument';
      })(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}
