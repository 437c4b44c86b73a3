import { PlinthError } from '../../../errors/index.js';
import { describeExecutor, runCommand, type CommandResult } from './executor.js';
import type { Plan, PlanHost } from './plan.js';
import type { PhaseIO } from './runner.js';
import type { PhaseName } from './state.js';

function failureDetail(r: CommandResult, timeoutMs: number): string {
  if (r.spawnError) return `could not be started (${r.spawnError})`;
  if (r.timedOut) return `did not finish within ${Math.round(timeoutMs / 1000)}s`;
  if (r.unreachable) return 'failed: ssh could not reach or log in to the host (exit 255)';
  return `exited with ${r.code ?? 'a signal'}`;
}

/**
 * Run `version`'s `action` commands of every host, host by host in plan order, each command
 * after the previous one succeeded. The first failure throws UPGRADE_SWITCH_HOST_FAILED naming
 * the host, the command and the log; later commands and hosts are not run.
 */
export async function runHosts(
  plan: Plan,
  version: 'old' | 'new',
  action: 'stop' | 'start',
  phase: PhaseName,
  io: PhaseIO,
  fix: string,
): Promise<string> {
  let n = 0;
  for (const host of plan.hosts) {
    for (const command of commandsOf(host, version, action)) {
      await io.note(`${host.name} (${describeExecutor(host.executor)}): ${command}`);
      const r = await runCommand(host.executor, command, { logFile: io.log, timeoutMs: plan.timeouts.commandMs });
      if (r.code !== 0) {
        throw new PlinthError('UPGRADE_SWITCH_HOST_FAILED', { host: host.name, phase, command, detail: failureDetail(r, plan.timeouts.commandMs), log: io.log, fix });
      }
      n++;
    }
  }
  return `${action === 'stop' ? 'stopped' : 'started'} ${version} on ${plan.hosts.length} host${plan.hosts.length === 1 ? '' : 's'} (${n} command${n === 1 ? '' : 's'})`;
}

const commandsOf = (h: PlanHost, version: 'old' | 'new', action: 'stop' | 'start'): string[] => h[version][action];

/** Check every ssh host answers (`true` over ssh) before anything is touched. */
export async function checkReachable(plan: Plan, io: PhaseIO, fix: string): Promise<number> {
  const ssh = plan.hosts.filter((h) => h.executor.type === 'ssh');
  for (const host of ssh) {
    await io.note(`${host.name}: checking ${describeExecutor(host.executor)}`);
    const r = await runCommand(host.executor, 'true', { logFile: io.log, timeoutMs: Math.min(plan.timeouts.commandMs, 60_000) });
    if (r.code !== 0) {
      throw new PlinthError('UPGRADE_SWITCH_HOST_FAILED', { host: host.name, phase: 'init', command: 'true', detail: failureDetail(r, 60_000), log: io.log, fix });
    }
  }
  return ssh.length;
}
