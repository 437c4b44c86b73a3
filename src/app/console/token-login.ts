/**
 * Sign-in with a Kubernetes bearer token: the console's own client asks the API server (TokenReview) who the
 * token belongs to. Only the identity is kept; the token is forgotten.
 */
import { PlinthError } from '../../errors/index.js';
import type { KubeClient } from '../../kube/http.js';
import { ref } from '../../kube/resource.js';
import type { ConsoleIdentity } from './session.js';

const TOKEN_REVIEWS = ref('authentication.k8s.io/v1', 'tokenreviews');

interface TokenReview {
  status?: { authenticated?: boolean; user?: { username?: string; groups?: string[] }; error?: string };
}

/** The identity the API server vouches for, or CONSOLE_SIGNIN_REFUSED. */
export async function reviewToken(client: Pick<KubeClient, 'create'>, token: string): Promise<ConsoleIdentity> {
  const review = await client.create<TokenReview>(TOKEN_REVIEWS, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
  const st = review?.status;
  if (!st?.authenticated || !st.user?.username) {
    throw new PlinthError('CONSOLE_SIGNIN_REFUSED', { detail: st?.error ? `the API server says: ${st.error}` : 'the API server did not authenticate the token' });
  }
  return { user: st.user.username, groups: st.user.groups ?? [], via: 'token' };
}
