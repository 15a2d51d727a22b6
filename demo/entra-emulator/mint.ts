/**
 * Mints access tokens exactly as the provider would issue them (same key, header and Entra claims), for
 * tests that need a token for a given user, resource and scope set without running the sign-in flow.
 */
import type { SigningKey } from './signing';
import type { Tenant } from './tenant';
import {
  accessTokenUserClaims,
  fullScopes,
  resourceInfo,
  scpFromScopes,
  type AppIds,
  type Audience,
} from './token-claims';

/** What to mint; `scopes` are short names (`User.Read`) or full scope strings. */
export interface MintOptions {
  userId: string;
  audience: Audience;
  scopes: string[];
  expiresInSeconds?: number;
}

/** Signs an access token for `o.userId` on `o.audience`. */
export async function mintAccessToken(ids: AppIds, tenant: Tenant, key: SigningKey, o: MintOptions): Promise<string> {
  const user = tenant.findUser(o.userId);
  if (!user) throw new Error(`mintAccessToken: no user ${o.userId}`);
  const now = Math.floor(Date.now() / 1000);
  const info = resourceInfo(ids, o.audience);
  const full = o.scopes.map((s) => (s.includes('/') ? s : (fullScopes(ids, o.audience, [s])[0] ?? s)));
  return key.sign({
    aud: info.aud,
    iss: ids.issuer,
    iat: now,
    nbf: now,
    exp: now + (o.expiresInSeconds ?? 3600),
    jti: crypto.randomUUID(),
    sub: user.id,
    scp: scpFromScopes(ids, o.audience, full),
    ...accessTokenUserClaims(ids, user, o.audience),
  });
}
