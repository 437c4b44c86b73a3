/**
 * An opt-in CPU profile of this process (the bench and, where it runs one, the Plinth manager) for one
 * measured window: with `BENCH_NODE_PROFILE=<dir>`, `<dir>/<label>.cpuprofile` is written when the window
 * ends (open it in Chrome DevTools or summarise it with any .cpuprofile reader). Without the variable it
 * does nothing and costs nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export interface ProfileHandle {
  /** Stops the profile and writes it; resolves to the file's path, or undefined when profiling is off. */
  stop(): Promise<string | undefined>;
}

const OFF: ProfileHandle = { stop: () => Promise.resolve(undefined) };

export async function startProfile(label: string, dir: string | undefined = process.env['BENCH_NODE_PROFILE']): Promise<ProfileHandle> {
  if (!dir) return OFF;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop(): Promise<string | undefined> {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${label}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profile));
      return path;
    },
  };
}
