/** TypeBox schemas of the OIDC sign-in routes and the public sign-in configuration. */
import { Type, type Static } from '@sinclair/typebox';

export const OidcLoginQuery = Type.Object(
  { next: Type.Optional(Type.String({ maxLength: 2048, description: 'The console path to return to after sign-in (default /; anything not a local path is ignored).' })) },
  { additionalProperties: false },
);
export type OidcLoginQueryT = Static<typeof OidcLoginQuery>;

// Issuers may add parameters of their own (iss, session_state, scope…): they are allowed and ignored.
export const OidcCallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  iss: Type.Optional(Type.String({ maxLength: 2048, description: 'The issuer (RFC 9207), checked when present.' })),
  error: Type.Optional(Type.String({ maxLength: 512 })),
  error_description: Type.Optional(Type.String({ maxLength: 2048 })),
});
export type OidcCallbackQueryT = Static<typeof OidcCallbackQuery>;

export const SessionConfigView = Type.Object({
  oidc: Type.Object({
    enabled: Type.Boolean(),
    issuer: Type.Optional(Type.String({ description: 'The OIDC issuer URL.' })),
    loginUrl: Type.Optional(Type.String({ description: 'Send the browser here (GET, optional ?next=/path) to sign in with the issuer.' })),
  }),
  tokenLogin: Type.Boolean({ description: 'POST /api/v1/session with a Kubernetes bearer token works.' }),
});
export type SessionConfigViewT = Static<typeof SessionConfigView>;
