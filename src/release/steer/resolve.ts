import type { CellDeployment, ReleaseOrder } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import { assertNamespaceExists } from './namespace.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { RES } from '../keys.js';

export type TargetKind = 'CellDeployment' | 'ReleaseOrder';

/** What the user typed as NAME: a kind (when given as `kind/name`) and a name. */
export interface ParsedName {
  kind: TargetKind | undefined;
  name: string;
}

const KIND_ALIASES: Readonly<Record<string, TargetKind>> = {
  celldeployment: 'CellDeployment',
  celldeployments: 'CellDeployment',
  celldeploy: 'CellDeployment',
  cd: 'CellDeployment',
  'celldeployment.apps.plinth.dev': 'CellDeployment',
  'celldeployments.apps.plinth.dev': 'CellDeployment',
  releaseorder: 'ReleaseOrder',
  releaseorders: 'ReleaseOrder',
  ro: 'ReleaseOrder',
  'releaseorder.apps.plinth.dev': 'ReleaseOrder',
  'releaseorders.apps.plinth.dev': 'ReleaseOrder',
};

/** The kinds as kubectl spells them, for messages. */
export const KIND_FORMS = 'releaseorder/NAME, ro/NAME, celldeployment/NAME, cd/NAME or a plain NAME';

/**
 * Parses NAME as kubectl does: `releaseorder/x`, `ro/x`, `releaseorders.apps.plinth.dev/x`,
 * `celldeployment/x`, `cd/x`, or a plain `x` (kind undefined: CellDeployment first, then ReleaseOrder).
 * Pure; refuses unknown kinds and empty or malformed names.
 */
export function parseName(input: string): ParsedName {
  const text = input.trim();
  const slash = text.indexOf('/');
  const kindText = slash < 0 ? undefined : text.slice(0, slash).toLowerCase();
  const name = slash < 0 ? text : text.slice(slash + 1);
  let kind: TargetKind | undefined;
  if (kindText !== undefined) {
    kind = KIND_ALIASES[kindText];
    if (!kind) {
      throw new PlinthError('INVALID_ARGUMENT', { what: 'NAME', detail: `"${kindText}" is not a CellDeployment or ReleaseOrder kind`, fix: `give ${KIND_FORMS}` });
    }
  }
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
    throw new PlinthError('INVALID_ARGUMENT', { what: 'NAME', detail: `"${input}" is not a valid object name`, fix: `give ${KIND_FORMS}` });
  }
  return { kind, name };
}

/** How a NAME was resolved to the ReleaseOrder the command acts on. */
export interface Resolved {
  namespace: string;
  /** The kind NAME was found as. */
  resolvedFrom: TargetKind;
  /** The ReleaseOrder acted on. */
  order: ReleaseOrder;
  /** The CellDeployment of the order (the order's spec.target), when it exists. */
  cd: CellDeployment | undefined;
  /** Said on stderr when a plain NAME names both kinds: which one was used. */
  note?: string;
}

/** What a lookup found; `undefined` means "not looked up" or "not found". */
export interface Found {
  cd: CellDeployment | undefined;
  order: ReleaseOrder | undefined;
}

/**
 * Pure: which kind a parsed NAME resolves to, given what exists (CellDeployment first, then ReleaseOrder),
 * and the note to print when a plain NAME names both. Throws RELEASE_NOT_FOUND when nothing matches.
 */
export function chooseKind(parsed: ParsedName, found: Found, namespace: string): { kind: TargetKind; note?: string } {
  if (parsed.kind === 'CellDeployment') {
    if (found.cd) return { kind: 'CellDeployment' };
    throw notFound('CellDeployment', parsed.name, namespace);
  }
  if (parsed.kind === 'ReleaseOrder') {
    if (found.order) return { kind: 'ReleaseOrder' };
    throw notFound('ReleaseOrder', parsed.name, namespace);
  }
  if (found.cd && found.order) {
    const current = found.cd.status?.releaseOrder;
    if (!current) {
      return { kind: 'ReleaseOrder', note: `note: CellDeployment ${parsed.name} has no release order yet; using the ReleaseOrder named ${parsed.name}` };
    }
    const same = current === parsed.name;
    const note = same
      ? undefined
      : `note: "${parsed.name}" is both a CellDeployment and a ReleaseOrder in ${namespace}; using the CellDeployment ` +
        `(its current release order is ${current}); say releaseorder/${parsed.name} for the other`;
    return note ? { kind: 'CellDeployment', note } : { kind: 'CellDeployment' };
  }
  if (found.cd) return { kind: 'CellDeployment' };
  if (found.order) return { kind: 'ReleaseOrder' };
  throw notFound(undefined, parsed.name, namespace);
}

function notFound(kind: TargetKind | undefined, name: string, namespace: string): PlinthError {
  const what = kind ?? 'CellDeployment or ReleaseOrder';
  const list = kind === 'ReleaseOrder' ? 'releaseorders' : kind === 'CellDeployment' ? 'celldeployments' : 'celldeployments,releaseorders';
  return new PlinthError('RELEASE_NOT_FOUND', { what, name, namespace, fix: `check the name and namespace (-n); list them with \`kubectl get ${list} -n ${namespace}\`` });
}

async function getOrUndefined<T>(client: KubeClient, res: typeof RES.cellDeployments, namespace: string, name: string): Promise<T | undefined> {
  try {
    return await client.get<T>(inNamespace(res, namespace), name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Finds the ReleaseOrder NAME designates in `namespace`: a CellDeployment's current order (status.releaseOrder)
 * or the ReleaseOrder itself, and the CellDeployment of the order. Plain names look for both kinds at once.
 */
export async function resolveTarget(client: KubeClient, namespace: string, input: string): Promise<Resolved> {
  const parsed = parseName(input);
  const [cd, order] = await Promise.all([
    parsed.kind === 'ReleaseOrder' ? undefined : getOrUndefined<CellDeployment>(client, RES.cellDeployments, namespace, parsed.name),
    parsed.kind === 'CellDeployment' ? undefined : getOrUndefined<ReleaseOrder>(client, RES.releaseOrders, namespace, parsed.name),
  ]);
  if (!cd && !order) await assertNamespaceExists(client, namespace);
  const choice = chooseKind(parsed, { cd, order }, namespace);
  if (choice.kind === 'ReleaseOrder') {
    const o = order!;
    const target = o.spec.target.name;
    const owner = target === parsed.name && cd ? cd : await getOrUndefined<CellDeployment>(client, RES.cellDeployments, namespace, target);
    return { namespace, resolvedFrom: 'ReleaseOrder', order: o, cd: owner, ...(choice.note ? { note: choice.note } : {}) };
  }
  const c = cd!;
  const current = currentOrderName(c);
  const o = current === parsed.name && order ? order : await getOrUndefined<ReleaseOrder>(client, RES.releaseOrders, namespace, current);
  if (!o) {
    throw new PlinthError('RELEASE_NO_ORDER', { namespace, name: parsed.name, detail: `its status names release order ${current}, which does not exist (deleted?)` });
  }
  return { namespace, resolvedFrom: 'CellDeployment', order: o, cd: c, ...(choice.note ? { note: choice.note } : {}) };
}

/** The CellDeployment's current order name, or RELEASE_NO_ORDER. */
export function currentOrderName(cd: CellDeployment): string {
  const current = cd.status?.releaseOrder;
  if (current) return current;
  const ns = cd.metadata.namespace ?? 'default';
  const detail =
    cd.status?.observedGeneration === undefined
      ? 'the controller has not reported on it yet (is the Plinth manager running?)'
      : 'its pods run the revision it was created with; nothing was released since';
  throw new PlinthError('RELEASE_NO_ORDER', { namespace: ns, name: cd.metadata.name ?? '', detail });
}

/** "releaseorder/web-abc (current release of celldeployment/web)" or "releaseorder/web-abc (of celldeployment/web)". */
export function describeResolved(r: { releaseOrder: string; resolvedFrom: TargetKind; target: { name: string } }): string {
  const how = r.resolvedFrom === 'CellDeployment' ? 'current release of' : 'release of';
  return `releaseorder/${r.releaseOrder} (${how} celldeployment/${r.target.name})`;
}
