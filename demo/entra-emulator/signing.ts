/**
 * The emulator's token signing key: one RS256 key pair generated at start (like a tenant's current
 * Entra signing key), handed to oidc-provider as its JWKS and used directly by `mintAccessToken`, so both
 * kinds of token verify against the same published key set.
 */
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';

/** The private JWK oidc-provider accepts in `jwks.keys`. */
export type PrivateSigningJwk = JWK & { kid: string; alg: 'RS256'; use: 'sig' };

/** An RS256 key pair with a stable `kid`. */
export class SigningKey {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    private readonly privateKey: CryptoKey,
    /** Private JWK for oidc-provider's keystore. */
    readonly privateJwk: PrivateSigningJwk,
    /** The public key set (what the provider's jwks_uri serves). */
    readonly publicJwks: { keys: JWK[] },
  ) {
    this.keySet = createLocalJWKSet(publicJwks);
  }

  /** Generates a fresh 2048-bit RS256 key; its `kid` is the RFC 7638 thumbprint. */
  static async generate(): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk: PrivateSigningJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
    return new SigningKey(privateKey, privateJwk, { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] });
  }

  /** Signs `payload` as a compact JWS with Entra's header (`typ: JWT`, `alg`, `kid`). */
  sign(payload: JWTPayload): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.privateJwk.kid })
      .sign(this.privateKey);
  }

  /** Verifies signature, `iss`, `aud` and lifetime; rejects with jose's errors otherwise. */
  async verify(token: string, expected: { issuer: string; audience: string }): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.keySet, { ...expected, algorithms: ['RS256'] });
    return payload;
  }
}
