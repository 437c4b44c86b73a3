/**
 * Every cluster call made for a signed-in user goes through the console's own client with impersonation
 * headers, so the API server's RBAC decides what the user may do (and its audit log names the user).
 */
import type { KubeClient } from '../../kube/http.js';
import type { ConsoleIdentity } from './session.js';

/** Pure: the impersonation headers of an identity (one Impersonate-Group line per group). */
export function impersonationHeaders(id: Pick<ConsoleIdentity, 'user' | 'groups'>): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = { 'Impersonate-User': id.user };
  // system:authenticated is added by the API server to every impersonated user; sending it needs no extra grant.
  const groups = [...new Set(id.groups)];
  if (groups.length > 0) h['Impersonate-Group'] = groups;
  return h;
}

/** A client acting as the user: the console's client plus the impersonation headers. */
export function asUser(client: KubeClient, id: Pick<ConsoleIdentity, 'user' | 'groups'>): KubeClient {
  return client.withHeaders(impersonationHeaders(id));
}
