import { PlinthError } from '../../errors/index.js';
import { parseKubeVersion } from '../assess/kb/version.js';

/** How each node is upgraded once drained. */
export type UpgradeAction =
  | { kind: 'exec'; command: string; preflight?: string }
  | { kind: 'ssh'; target: string; command: string; preflight?: string }
  | { kind: 'simulate'; version: string };

export type OnFailure = 'stop' | 'continue';

/** The settings of a run, as stored in its state ConfigMap (a resumed run uses them as they are). */
export interface RunSettings {
  selector: string;
  /** As the user wrote it: `10` or `25%`. */
  maxUnavailable: string;
  action: UpgradeAction;
  /** The kubelet version a node must report after its upgrade (always set for --simulate-version). */
  expectVersion?: string;
  drainTimeoutMs: number;
  podTimeoutMs: number;
  nodeTimeoutMs: number;
  healthTimeoutMs: number;
  deleteEmptyDirData: boolean;
  onFailure: OnFailure;
}

/** The raw flags of `plinth upgrade nodes` (commander's camelCase names). */
export interface NodesFlags {
  selector?: string;
  maxUnavailable?: string;
  exec?: string;
  ssh?: string;
  sshCommand?: string;
  simulateVersion?: string;
  /** Run on every node before the first drain (--exec: locally; --ssh: on the host, instead of `true`). */
  preflight?: string;
  kubeletVersion?: string;
  drainTimeout?: string;
  podTimeout?: string;
  nodeTimeout?: string;
  healthTimeout?: string;
  deleteEmptydirData?: boolean;
  onFailure?: string;
}

const bad = (what: string, detail: string, fix: string): PlinthError => new PlinthError('INVALID_ARGUMENT', { what, detail, fix });

/** `30s`, `5m`, `1h`, `1m30s`, `250ms` → milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const t = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const n = Number(m[1]);
    total += n * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 3_600_000);
    matched = re.lastIndex;
  }
  if (t === '' || matched !== t.length || total <= 0) {
    throw bad(flag, `"${text}" is not a positive duration`, `write it like 30s, 5m, 1h or 1m30s`);
  }
  return Math.round(total);
}

/** `--max-unavailable`: a whole number ≥ 1 or a percentage in (0, 100]. */
export function parseMaxUnavailable(text: string | undefined): string {
  if (text === undefined) throw bad('--max-unavailable', 'it is required', 'give how many nodes may be upgraded at once, e.g. --max-unavailable 2 or 10%');
  const t = text.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (pct) {
    const p = Number(pct[1]);
    if (p <= 0 || p > 100) throw bad('--max-unavailable', `"${text}" is not a percentage from 1% to 100%`, 'use e.g. 10% or a node count');
    return t;
  }
  if (!/^\d+$/.test(t)) throw bad('--max-unavailable', `"${text}" is not a number or a percentage`, 'use a node count (e.g. 3) or a percentage (e.g. 10%)');
  if (Number(t) < 1) throw bad('--max-unavailable', '0 would never upgrade a node', 'use 1 or more');
  return String(Number(t));
}

/** How many nodes may be in flight for `total` selected nodes (a percentage rounds down, but is at least 1). */
export function windowSize(maxUnavailable: string, total: number): number {
  if (maxUnavailable.endsWith('%')) return Math.max(1, Math.floor((Number(maxUnavailable.slice(0, -1)) * total) / 100));
  return Math.max(1, Number(maxUnavailable));
}

function versionOf(flag: string, text: string): string {
  const t = text.trim();
  if (!parseKubeVersion(t) || !/^v?\d+\.\d+\.\d+/.test(t)) throw bad(flag, `"${text}" is not a Kubernetes version`, 'write it like v1.34.4');
  return t.startsWith('v') ? t : `v${t}`;
}

/**
 * Syntax check of a label selector (the API server has the last word): comma-separated
 * `key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`, `key notin (a,b)`.
 */
export function checkSelector(selector: string): string {
  const s = selector.trim();
  if (s === '') return '';
  const key = String.raw`(?:[A-Za-z0-9][-A-Za-z0-9_.]*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`;
  const val = String.raw`(?:[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
  const term = new RegExp(
    String.raw`^\s*(?:!?\s*${key}|${key}\s*(?:==?|!=)\s*${val}|${key}\s+(?:in|notin)\s*\(\s*${val}(?:\s*,\s*${val})*\s*\))\s*$`,
  );
  // Split on commas outside parentheses.
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  terms.push(cur);
  const wrong = terms.find((t) => !term.test(t));
  if (depth !== 0 || wrong !== undefined) {
    throw bad('-l/--selector', `"${selector}" is not a label selector${wrong !== undefined ? ` (at "${wrong.trim()}")` : ''}`, 'write it like kubectl: role=worker,zone in (a,b),!gpu');
  }
  return s;
}

/** Validate every flag of a new run; one clear error for the first thing wrong. */
export function parseSettings(f: NodesFlags): RunSettings {
  const selector = checkSelector(f.selector ?? '');
  const maxUnavailable = parseMaxUnavailable(f.maxUnavailable);
  const given = [f.exec !== undefined && '--exec', f.ssh !== undefined && '--ssh', f.simulateVersion !== undefined && '--simulate-version'].filter(
    (x): x is string => typeof x === 'string',
  );
  if (given.length === 0) throw bad('upgrade action', 'none given', "say how to upgrade a node: --exec 'CMD {node}', --ssh 'USER@{node}' --ssh-command CMD, or --simulate-version vX.Y.Z");
  if (given.length > 1) throw bad('upgrade action', `${given.join(' and ')} were both given`, 'choose one of --exec, --ssh, --simulate-version');
  if (f.sshCommand !== undefined && f.ssh === undefined) throw bad('--ssh-command', 'it needs --ssh', "add --ssh 'USER@{node}'");
  if (f.preflight !== undefined && f.preflight.trim() === '') throw bad('--preflight', 'the command is empty', "give a harmless command that must exit 0 for every node, e.g. --preflight 'test -x /opt/upgrade-kubelet.sh'");
  if (f.preflight !== undefined && f.simulateVersion !== undefined) throw bad('--preflight', 'it is not used with --simulate-version', 'leave it out: the simulated nodes are checked without it');
  const preflight = f.preflight !== undefined ? { preflight: f.preflight } : {};
  let action: UpgradeAction;
  let expectVersion = f.kubeletVersion === undefined ? undefined : versionOf('--kubelet-version', f.kubeletVersion);
  if (f.exec !== undefined) {
    if (f.exec.trim() === '') throw bad('--exec', 'the command is empty', "give a command, e.g. --exec './upgrade.sh {node}'");
    action = { kind: 'exec', command: f.exec, ...preflight };
  } else if (f.ssh !== undefined) {
    if (!/^[^\s]+$/.test(f.ssh.trim()) || f.ssh.trim() === '') throw bad('--ssh', `"${f.ssh}" is not an ssh destination`, "write it like 'admin@{node}'");
    if (f.sshCommand === undefined || f.sshCommand.trim() === '') throw bad('--ssh-command', 'it is required with --ssh', "give the remote command, e.g. --ssh-command 'sudo /opt/upgrade-kubelet.sh'");
    action = { kind: 'ssh', target: f.ssh.trim(), command: f.sshCommand, ...preflight };
  } else {
    const version = versionOf('--simulate-version', f.simulateVersion!);
    if (expectVersion !== undefined && expectVersion !== version) throw bad('--kubelet-version', `it differs from --simulate-version ${version}`, 'leave --kubelet-version out with --simulate-version');
    expectVersion = version;
    action = { kind: 'simulate', version };
  }
  const onFailure = f.onFailure ?? 'stop';
  if (onFailure !== 'stop' && onFailure !== 'continue') throw bad('--on-failure', `"${onFailure}" is not known`, 'use stop or continue');
  return {
    selector,
    maxUnavailable,
    action,
    ...(expectVersion !== undefined ? { expectVersion } : {}),
    drainTimeoutMs: parseDuration('--drain-timeout', f.drainTimeout ?? '10m'),
    podTimeoutMs: parseDuration('--pod-timeout', f.podTimeout ?? '5m'),
    nodeTimeoutMs: parseDuration('--node-timeout', f.nodeTimeout ?? '30m'),
    healthTimeoutMs: parseDuration('--health-timeout', f.healthTimeout ?? '5m'),
    deleteEmptyDirData: f.deleteEmptydirData === true,
    onFailure,
  };
}

/** Run names become part of a ConfigMap name. */
export function checkRunName(name: string | undefined): string {
  const n = name ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/.test(n)) throw bad('--name', `"${n}" is not a valid run name`, 'use lower-case letters, digits and dashes (at most 40)');
  return n;
}
