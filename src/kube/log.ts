import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process-wide structured logger: one JSON event per line on stderr.
 * Level from PLINTH_LOG_LEVEL (default "info"; tests default to "warn").
 */
export function rootLogger(): Logger {
  root ??= pino(
    {
      name: 'plinth',
      level: process.env.PLINTH_LOG_LEVEL ?? (process.env.NODE_TEST_CONTEXT ? 'warn' : 'info'),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd: 2, sync: false }),
  );
  return root;
}

let root: Logger | undefined;

/** A child logger tagged with a component name, e.g. `logger('informer')`. */
export function logger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return rootLogger().child({ component, ...bindings });
}
