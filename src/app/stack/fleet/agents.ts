/**
 * The member agents of the local stack: one `plinth agent` per member, each kept running by its own
 * supervisor process (the manager's supervisor, `superviseManager`, run by the hidden `plinth
 * agent-supervisor` command), detached from the CLI that started it. The supervisor restarts a dead agent
 * with backoff and records it in `<agentDir>/manager.json`; `stopManager(agentDir)` stops both.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { PlinthError } from '../../../errors/index.js';
import { sleep } from '../../../kube/clock.js';
import { processRunning } from '../../../kube/proc.js';
import { readManagerRecord } from '../../manager/record.js';
import { stopManager } from '../../manager/process.js';

/** What an agent needs to be started for a member. */
export interface AgentTarget {
  /** The member's fleet name (`plinth agent --cluster`). */
  name: string;
  /** The member cluster's admin kubeconfig (`--kubeconfig`). */
  kubeconfig: string;
  /** The agent's hub kubeconfig; without one the agent reads the member Secret that `plinth fleet join` wrote. */
  hubKubeconfig?: string;
  /** The supervisor's record and the agent's log live here. */
  agentDir: string;
}

export interface AgentState {
  pid: number;
  supervisorPid: number;
  alive: boolean;
  supervised: boolean;
  restarts: number;
  log: string;
}

/**
 * Runs another agent command instead of `plinth agent ...`: a JSON array whose strings may hold
 * `{cluster}`, `{kubeconfig}` and `{hubKubeconfig}` (e.g. a development build of the agent).
 */
export const AGENT_COMMAND_ENV = 'PLINTH_STACK_AGENT_COMMAND';

export const agentLog = (agentDir: string): string => join(agentDir, 'agent.log');

/** The agent's command line for a target: `plinth agent --cluster NAME --kubeconfig MEMBER [--hub-kubeconfig F]`. */
export function agentCommand(t: AgentTarget, entry: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const custom = env[AGENT_COMMAND_ENV];
  if (custom) {
    const parsed = JSON.parse(custom) as unknown;
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((x) => typeof x === 'string')) {
      throw new PlinthError('INVALID_ARGUMENT', { what: AGENT_COMMAND_ENV, detail: custom, fix: 'give a JSON array of strings, e.g. ["node","agent.js","{cluster}"]' });
    }
    return (parsed).map((a) =>
      a.replaceAll('{cluster}', t.name).replaceAll('{kubeconfig}', t.kubeconfig).replaceAll('{hubKubeconfig}', t.hubKubeconfig ?? ''),
    );
  }
  return [...entry, 'agent', '--cluster', t.name, '--kubeconfig', t.kubeconfig, ...(t.hubKubeconfig ? ['--hub-kubeconfig', t.hubKubeconfig] : [])];
}

/** The agent of `agentDir` as its supervisor recorded it, judged by its processes (pid and start time). */
export async function agentState(agentDir: string): Promise<AgentState | undefined> {
  const rec = await readManagerRecord(agentDir);
  if (!rec) return undefined;
  return {
    pid: rec.pid,
    supervisorPid: rec.supervisorPid ?? -1,
    alive: processRunning(rec.pid, rec.startTime),
    supervised: rec.supervisorPid !== undefined && processRunning(rec.supervisorPid, rec.supervisorStartTime),
    restarts: rec.restarts ?? 0,
    log: rec.logFile,
  };
}

/**
 * Start a member's agent under its supervisor (detached, its own session), unless a supervised one runs.
 * Resolves when the supervisor has recorded a running agent.
 */
export async function startMemberAgent(t: AgentTarget, timeoutMs = 30_000): Promise<AgentState> {
  const now = await agentState(t.agentDir);
  if (now?.alive && now.supervised) return now;
  await stopManager(t.agentDir, 5000);
  mkdirSync(t.agentDir, { recursive: true });
  const fd = openSync(join(t.agentDir, 'supervisor.log'), 'a');
  const args = ['agent-supervisor', '--agent-dir', t.agentDir, '--cluster', t.name, '--member-kubeconfig', t.kubeconfig];
  if (t.hubKubeconfig) args.push('--hub-kubeconfig', t.hubKubeconfig);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, PLINTH_LOG_LEVEL: process.env.PLINTH_LOG_LEVEL ?? 'info' },
  });
  closeSync(fd);
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const st = await agentState(t.agentDir);
    if (st && st.supervisorPid === child.pid && st.alive) return st;
    await sleep(100);
  }
  await stopManager(t.agentDir, 5000);
  throw new PlinthError('CLUSTER_START_FAILED', { cluster: t.name, component: 'plinth agent', detail: 'its supervisor did not start it', log: join(t.agentDir, 'supervisor.log') });
}

/** Stop a member's agent and its supervisor (SIGTERM, SIGKILL after the grace). Returns whether one was recorded. */
export function stopMemberAgent(agentDir: string, graceMs = 5000): Promise<boolean> {
  return stopManager(agentDir, graceMs);
}
