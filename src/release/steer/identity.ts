// The caller's identity moved down to the runtime (src/kube/identity.ts) because the fleet's rollout actions
// record it the same way; release code keeps importing it from here.
export { certificateSubject, identityFromKubeConfig, isFallback, parseSubject, REVIEW_VERSIONS, whoAmI, type Identity } from '../../kube/identity.js';
