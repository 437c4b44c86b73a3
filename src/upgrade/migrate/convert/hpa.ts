import type { Converter, Obj, Step } from './types.js';
import { clone, identity, obj, withApiVersion } from './util.js';

/**
 * HorizontalPodAutoscaler autoscaling/v2beta1 and v2beta2 to autoscaling/v2. v2beta2 has v2's shape;
 * v2beta1 metrics are restructured: targetAverageUtilization/targetAverageValue/targetValue/averageValue
 * become `target: {type, …}`, metricName/selector/metricSelector become `metric: {name, selector}`, and
 * an object metric's `target` (the described object) is `describedObject`. Status is dropped (its shape
 * changed and the controller rewrites it).
 */
export const hpaConverter: Converter = (o: Obj, to: string): Step => {
  const from = String(o.apiVersion);
  const changes = [`apiVersion ${from} -> ${to}`];
  const warnings: string[] = [];
  const out = withApiVersion(clone(o), to);
  if (from !== 'autoscaling/v2beta1') return { object: out, changes, warnings };
  if ('status' in out) {
    delete out.status;
    changes.push('status dropped (v2beta1 shape; the controller rewrites it)');
  }
  const spec = obj(out.spec);
  if (spec && Array.isArray(spec.metrics)) {
    spec.metrics = spec.metrics.map((m: unknown, i: number): unknown => metric(m, `spec.metrics[${i}]`, changes, warnings, o));
  }
  return { object: out, changes, warnings };
};

function metric(m: unknown, where: string, changes: string[], warnings: string[], o: Obj): unknown {
  const mm = obj(m);
  const type = typeof mm?.type === 'string' ? mm.type : '';
  const key = type.charAt(0).toLowerCase() + type.slice(1); // Resource -> resource, ContainerResource -> containerResource
  const src = mm ? obj(mm[key]) : undefined;
  if (!mm || !src) return m;
  let converted: Obj;
  switch (type) {
    case 'Resource':
    case 'ContainerResource':
      converted = resource(src);
      break;
    case 'Pods':
      converted = { metric: metricId(src.metricName, src.selector), target: target(src) };
      break;
    case 'Object':
      converted = {
        describedObject: src.target,
        metric: metricId(src.metricName, src.selector),
        // as the apiserver converts it: averageValue, when given, is the target; else targetValue
        target: src.averageValue !== undefined ? { type: 'AverageValue', averageValue: src.averageValue } : target(src),
      };
      break;
    case 'External':
      converted = { metric: metricId(src.metricName, src.metricSelector), target: target(src) };
      break;
    default:
      warnings.push(`${identity(o)}: ${where} has unknown metric type ${JSON.stringify(type)}; left as it is`);
      return m;
  }
  if (obj(converted.target) === undefined || Object.keys(obj(converted.target) ?? {}).length === 0) {
    warnings.push(`${identity(o)}: ${where} (${type}) has no target value; autoscaling/v2 requires ${where}.${key}.target`);
  }
  changes.push(`${where}.${key}: target values -> ${where}.${key}.target {type: ${JSON.stringify(obj(converted.target)?.type ?? '?')}}`);
  return { ...mm, [key]: converted };
}

function resource(src: Obj): Obj {
  const out: Obj = { name: src.name };
  if (src.container !== undefined) out.container = src.container;
  out.target =
    src.targetAverageUtilization !== undefined
      ? { type: 'Utilization', averageUtilization: src.targetAverageUtilization }
      : src.targetAverageValue !== undefined
        ? { type: 'AverageValue', averageValue: src.targetAverageValue }
        : {};
  return out;
}

function metricId(name: unknown, selector: unknown): Obj {
  return selector === undefined ? { name } : { name, selector };
}

/** The v2 target of a pods/object/external v2beta1 metric. */
function target(src: Obj): Obj {
  if (src.targetValue !== undefined) return { type: 'Value', value: src.targetValue };
  if (src.targetAverageValue !== undefined) return { type: 'AverageValue', averageValue: src.targetAverageValue };
  if (src.averageValue !== undefined) return { type: 'AverageValue', averageValue: src.averageValue };
  return {};
}
