import type { Converter, Obj } from './types.js';
import { obj, renameKey } from './util.js';
import { plainThen } from './plain.js';

/**
 * TokenReview and the authorization reviews v1beta1 to v1. SubjectAccessReview and
 * LocalSubjectAccessReview called the groups list `spec.group` in v1beta1; v1 calls it `spec.groups`.
 */
export const reviewConverter: Converter = plainThen((out: Obj, changes: string[]): Obj => {
  const spec = obj(out.spec);
  if (!spec || !('group' in spec) || (out.kind !== 'SubjectAccessReview' && out.kind !== 'LocalSubjectAccessReview')) return out;
  out.spec = renameKey(spec, 'group', 'groups', spec.group);
  changes.push('spec.group -> spec.groups');
  return out;
});
