import { asPlinthError } from '../errors/index.js';

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
