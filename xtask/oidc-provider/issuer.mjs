// An outside issuer for masar-server's tests: the npm `oidc-provider` package (an OpenID
// Certified implementation), configured as an agency's identity provider would be for Masar: one
// public native client with PKCE, JWT access tokens (ES256) for the audience "masar" with the
// employee's national ID as a claim. Its sign-in pages are the package's own development pages
// (any user name signs in: the user name is the national ID; then a consent page).
//
// Environment (all optional):
//   ISSUER_URL                   the issuer identifier (default: http://127.0.0.1:<port>)
//   ISSUER_PRIVATE_JWK           the EC P-256 private signing key as a JWK (default: a new one)
//   ISSUER_CLOCK_OFFSET_SECONDS  shift the provider's clock (a provider whose clock is behind)
//   ISSUER_REDIRECT_URI          the client's redirect URI
//
// Prints one JSON line when ready: {"listening": URL, "issuer": URL, "jwk": private JWK}.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const offsetSeconds = Number(process.env.ISSUER_CLOCK_OFFSET_SECONDS ?? '0');
if (offsetSeconds !== 0) {
  const realNow = Date.now;
  Date.now = () => realNow() + offsetSeconds * 1000;
}

function signingKey() {
  if (process.env.ISSUER_PRIVATE_JWK) return JSON.parse(process.env.ISSUER_PRIVATE_JWK);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };
}

// Resource indicators (RFC 8707) are absolute URIs; each names the audience its tokens carry.
const AUDIENCES = new Map([
  ['urn:masar:api', 'masar'],
  ['urn:example:another-api', 'another-api'],
]);
const API_SCOPE = 'api';

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const listening = `http://127.0.0.1:${server.address().port}`;
  const issuer = process.env.ISSUER_URL ?? listening;
  const jwk = signingKey();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'masar-desktop',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
        redirect_uris: [process.env.ISSUER_REDIRECT_URI ?? 'http://127.0.0.1:49152/callback'],
      },
    ],
    jwks: { keys: [jwk] },
    pkce: { required: () => true },
    // A desktop client that may refresh gets refresh tokens (without asking for offline_access).
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    scopes: ['openid', 'offline_access', API_SCOPE],
    claims: { openid: ['sub'], national_id: ['national_id'] },
    async findAccount(_ctx, id) {
      return { accountId: id, async claims() { return { sub: id, national_id: id }; } };
    },
    // The employee's national ID in the access token, under the claim masar-server is told.
    async extraTokenClaims(_ctx, token) {
      return token.accountId ? { national_id: token.accountId } : undefined;
    },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:masar:api',
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, resource) {
          if (!AUDIENCES.has(resource)) throw new Provider.errors.InvalidTarget();
          return {
            scope: API_SCOPE,
            audience: AUDIENCES.get(resource),
            accessTokenFormat: 'jwt',
            accessTokenTTL: 900,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
  });
  provider.on('server_error', (_ctx, error) => console.error('issuer server_error', error));
  server.on('request', provider.callback());
  console.log(JSON.stringify({ listening, issuer, jwk }));
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
