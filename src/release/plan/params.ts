import type { ReleasePolicySpecT } from '../../api/index.js';
import { parseImageReference } from './imageref.js';
import type { Problem } from './problem.js';
import type { PodTemplateLike } from './revision.js';

/** ReleasePolicy spec.preChecks.parameters. */
export type ParameterPolicy = NonNullable<NonNullable<ReleasePolicySpecT['preChecks']>['parameters']>;

/** A Kubernetes resource quantity: a number with an optional SI, binary-SI or exponent suffix. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const REQUIRED_RESOURCES = ['cpu', 'memory'] as const;

/**
 * The parameter pre-checks of a release: everything wrong with a pod template under a policy's parameters.
 * Empty means the release may go on. Fields are paths under `fieldPrefix` (the template's place in the
 * CellDeployment), except a broken policy, reported at `spec.preChecks.parameters.imagePattern` (of the policy).
 *
 *  - Always: the template has containers; every container and init container has an image that is a valid
 *    reference (see parseImageReference).
 *  - `imagePattern`: every image must match the regular expression (JavaScript syntax, searched, not anchored:
 *    write ^...$ to match whole images). A pattern that does not compile is itself a problem.
 *  - `requireResources` (true unless false; no check when the policy has no parameters): every container and init
 *    container requests cpu and memory, greater than zero. A limit without a request counts, because Kubernetes
 *    then uses the limit as the request.
 */
export function checkParameters(template: PodTemplateLike, parameters: ParameterPolicy | undefined, fieldPrefix = 'spec.template'): Problem[] {
  const problems: Problem[] = [];
  const spec = record(template.spec);
  const pattern = compilePattern(parameters?.imagePattern, problems);
  const requireResources = parameters !== undefined && parameters.requireResources !== false;

  if (!Array.isArray(spec['containers']) || spec['containers'].length === 0) {
    problems.push({ field: `${fieldPrefix}.spec.containers`, message: 'the pod template has no containers; add at least one' });
  }
  for (const list of ['containers', 'initContainers'] as const) {
    const containers: unknown[] = Array.isArray(spec[list]) ? (spec[list] as unknown[]) : [];
    containers.forEach((value, i) => {
      const c = record(value);
      const at = `${fieldPrefix}.spec.${list}[${i}]`;
      const name = typeof c['name'] === 'string' ? c['name'] : `#${i}`;
      checkImage(c['image'], name, `${at}.image`, pattern, problems);
      if (requireResources) checkResources(c['resources'], name, `${at}.resources`, problems);
    });
  }
  return problems;
}

interface Pattern {
  regex: RegExp;
  text: string;
}

function compilePattern(pattern: string | undefined, problems: Problem[]): Pattern | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  const problem = imagePatternProblem(pattern);
  if (problem) {
    problems.push(problem);
    return undefined;
  }
  return { regex: new RegExp(pattern), text: pattern };
}

/** What is wrong with a release policy's imagePattern (reported against the policy's field), or undefined. */
export function imagePatternProblem(pattern: string): Problem | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return {
      field: 'spec.preChecks.parameters.imagePattern',
      message: `${JSON.stringify(pattern)} is not a valid regular expression (${(err as Error).message}); write a JavaScript regular expression and fix the policy`,
    };
  }
}

function checkImage(image: unknown, container: string, field: string, pattern: Pattern | undefined, problems: Problem[]): void {
  if (typeof image !== 'string' || image === '') {
    problems.push({ field, message: `container "${container}" has no image; set one` });
    return;
  }
  const parsed = parseImageReference(image);
  if (!parsed.ok) problems.push({ field, message: `"${image}" is not a valid image reference: ${parsed.error}` });
  if (pattern && !pattern.regex.test(image)) {
    problems.push({ field, message: `"${image}" does not match the release policy's imagePattern ${JSON.stringify(pattern.text)}` });
  }
}

function checkResources(value: unknown, container: string, field: string, problems: Problem[]): void {
  const resources = record(value);
  const requests = record(resources['requests']);
  const limits = record(resources['limits']);
  for (const name of REQUIRED_RESOURCES) {
    const requested = requests[name] ?? limits[name];
    const at = `${field}.requests.${name}`;
    if (requested === undefined || requested === null || requested === '') {
      problems.push({ field: at, message: `container "${container}" has no ${name} request; set resources.requests.${name}` });
      continue;
    }
    const sign = quantitySign(requested);
    if (sign === 'invalid') {
      problems.push({ field: at, message: `container "${container}": ${JSON.stringify(requested)} is not a valid quantity` });
    } else if (sign !== 'positive') {
      problems.push({ field: at, message: `container "${container}": the ${name} request must be greater than zero, not ${JSON.stringify(requested)}` });
    }
  }
}

/** Whether a quantity ("250m", "1Gi", "1e3", 2) is positive, zero or negative; 'invalid' when it is not a quantity. */
export function quantitySign(q: unknown): 'positive' | 'zero' | 'negative' | 'invalid' {
  let n: number;
  if (typeof q === 'number') {
    n = q;
  } else if (typeof q === 'string' && QUANTITY.test(q)) {
    n = Number.parseFloat(q);
  } else {
    return 'invalid';
  }
  if (!Number.isFinite(n)) return 'invalid';
  return n > 0 ? 'positive' : n < 0 ? 'negative' : 'zero';
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
