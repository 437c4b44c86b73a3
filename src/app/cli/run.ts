import type { Command } from 'commander';
import { globalsOf, type GlobalOptions } from './context.js';
import { asPlinthError } from '../../errors/index.js';

/**
 * Run a command's action: a PlinthError becomes one line on stderr and its exit code;
 * the stack trace is shown only with --debug. Returns the exit code (0 on success).
 */
export async function runAction(action: () => Promise<number | void>, debug: boolean): Promise<number> {
  try {
    return (await action()) ?? 0;
  } catch (err) {
    const e = asPlinthError(err);
    process.stderr.write(e.userLine() + '\n');
    if (debug) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    if (debug && e.cause instanceof Error && e.cause !== err) process.stderr.write(`caused by: ${e.cause.stack ?? e.cause.message}\n`);
    return e.exitCode;
  }
}

/**
 * Wrap a command's action: global options are parsed inside the error handling (so a bad -o is
 * one clear line too), and the exit code is set from the result.
 */
export function act<O>(fn: (opts: O, g: GlobalOptions) => Promise<number | void>): (opts: O, cmd: Command) => Promise<void> {
  return async (opts: O, cmd: Command): Promise<void> => {
    const debug = cmd.optsWithGlobals<{ debug?: boolean }>().debug === true;
    process.exitCode = await runAction(() => fn(opts, globalsOf(cmd)), debug);
  };
}
