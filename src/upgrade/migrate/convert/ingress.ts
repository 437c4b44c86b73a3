import type { Converter, Obj, Step } from './types.js';
import { arr, clone, identity, obj, renameKey, withApiVersion } from './util.js';

/**
 * Ingress from extensions/v1beta1 or networking.k8s.io/v1beta1 to networking.k8s.io/v1: spec.backend is
 * spec.defaultBackend, serviceName/servicePort become service.name and service.port.number|name, and
 * every path gets a pathType (ImplementationSpecific keeps the old matching).
 */
export const ingressConverter: Converter = (o: Obj, to: string): Step => {
  const changes = [`apiVersion ${String(o.apiVersion)} -> ${to}`];
  const warnings: string[] = [];
  const out = withApiVersion(clone(o), to);
  let spec = obj(out.spec);
  if (!spec) return { object: out, changes, warnings };

  if (spec.backend !== undefined) {
    spec = renameKey(spec, 'backend', 'defaultBackend', backend(spec.backend, 'spec.backend', changes, warnings, o));
    changes.push('spec.backend -> spec.defaultBackend');
  }
  arr(spec.rules).forEach((rule, i) => {
    const http = obj(obj(rule)?.http);
    if (!http || !Array.isArray(http.paths)) return;
    http.paths = http.paths.map((p: unknown, j: number): unknown => {
      let path = obj(p);
      if (!path) return p;
      const where = `spec.rules[${i}].http.paths[${j}]`;
      if (path.backend !== undefined) path = { ...path, backend: backend(path.backend, `${where}.backend`, changes, warnings, o) };
      if (path.pathType === undefined) {
        path = insertPathType(path);
        changes.push(`${where}.pathType: ImplementationSpecific (the old matching; required in v1)`);
      }
      return path;
    });
  });
  out.spec = spec;
  return { object: out, changes, warnings };
};

/** `{path, pathType, backend}`: pathType right after path (first when there is no path). */
function insertPathType(path: Obj): Obj {
  if (!('path' in path)) return { pathType: 'ImplementationSpecific', ...path };
  const out: Obj = {};
  for (const [k, v] of Object.entries(path)) {
    out[k] = v;
    if (k === 'path') out.pathType = 'ImplementationSpecific';
  }
  return out;
}

function backend(b: unknown, where: string, changes: string[], warnings: string[], o: Obj): unknown {
  const be = obj(b);
  if (!be || (be.serviceName === undefined && be.servicePort === undefined)) return b;
  const port = servicePort(be.servicePort);
  const service: Obj = {};
  if (be.serviceName !== undefined) service.name = be.serviceName;
  if (port !== undefined) service.port = port;
  else warnings.push(`${identity(o)}: ${where} has no servicePort; networking.k8s.io/v1 requires service.port.number or service.port.name`);
  const out: Obj = {};
  let placed = false;
  for (const [k, v] of Object.entries(be)) {
    if (k === 'serviceName' || k === 'servicePort') {
      if (!placed) out.service = service;
      placed = true;
    } else out[k] = v;
  }
  changes.push(`${where}.serviceName/servicePort -> ${where}.service.name/port.${port && 'number' in port ? 'number' : 'name'}`);
  return out;
}

function servicePort(p: unknown): { number: number } | { name: string } | undefined {
  if (typeof p === 'number') return { number: p };
  if (typeof p === 'string') return /^\d+$/.test(p) ? { number: Number(p) } : { name: p };
  return undefined;
}
