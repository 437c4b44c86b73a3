import type { Converter, Obj, Step } from './types.js';
import { clone, obj, withApiVersion } from './util.js';

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

/**
 * EndpointSlice discovery.k8s.io/v1beta1 to v1: each endpoint's topology map becomes nodeName (hostname
 * label), zone (zone label) and deprecatedTopology (every other key; the v1 API does not write it).
 */
export const endpointSliceConverter: Converter = (o: Obj, to: string): Step => {
  const changes = [`apiVersion ${String(o.apiVersion)} -> ${to}`];
  const out = withApiVersion(clone(o), to);
  if (Array.isArray(out.endpoints)) {
    out.endpoints = out.endpoints.map((e: unknown, i: number): unknown => {
      const ep = obj(e);
      const topo = obj(ep?.topology);
      if (!ep || !topo) return e;
      const next: Obj = {};
      const rest: Obj = {};
      for (const [k, v] of Object.entries(topo)) if (k !== HOSTNAME && k !== ZONE) rest[k] = v;
      for (const [k, v] of Object.entries(ep)) {
        if (k !== 'topology') {
          next[k] = v;
          continue;
        }
        if (topo[HOSTNAME] !== undefined && ep.nodeName === undefined) next.nodeName = topo[HOSTNAME];
        if (topo[ZONE] !== undefined && ep.zone === undefined) next.zone = topo[ZONE];
        if (Object.keys(rest).length > 0) next.deprecatedTopology = rest;
      }
      changes.push(`endpoints[${i}].topology -> nodeName/zone${Object.keys(rest).length > 0 ? '/deprecatedTopology' : ''}`);
      return next;
    });
  }
  return { object: out, changes, warnings: [] };
};
