import type { CellDeployment } from '../../api/index.js';
import { checkParameters, formatProblems, type PodTemplateLike } from '../plan/index.js';
import type { CheckResultT } from './checks.js';
import { rfc3339 } from '../../kube/clock.js';

/** The name of the built-in check in status.checks (listed when it fails): it runs for every release, with or without a ReleasePolicy. */
export const IMAGE_CHECK = 'image-references';
export const IMAGES_VALID = 'ImageReferencesValid';

/**
 * The guard before any pod of a batch changes: every container and init container of the target template has
 * an image that is a valid reference (the CRD refuses bad ones at admission; this catches objects stored before
 * that rule, or written past it). Returns the problems as one line, or undefined when every image is valid.
 */
export function invalidImages(cd: CellDeployment): string | undefined {
  const problems = checkParameters(cd.spec.template as PodTemplateLike, undefined);
  return problems.length === 0 ? undefined : formatProblems(problems);
}

/** The built-in check's entry in status.checks when it found `problem`. */
export function imageCheckResult(batch: number, now: Date, problem: string): CheckResultT {
  return { name: IMAGE_CHECK, kind: 'pre', batch, result: 'Failed', at: rfc3339(now), message: problem };
}
