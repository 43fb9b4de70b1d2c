// A real OpenID Connect provider (oidc-provider, pinned in package-lock.json) for the single
// sign-on tests, started by the tests on a free port as maildev is. Its clients and accounts come
// from a JSON fixture:
//
//   node tools/oidc/server.js --port 4011 --fixture fixture.json [--issuer http://localhost:4011]
//
//   {
//     "clients":  [{ "client_id": "a", "client_secret": "s", "redirect_uris": ["http://localhost/x/signin-oidc"],
//                    "post_logout_redirect_uris": [], "tamper": { "aud": "someone-else" } }],
//     "accounts": [{ "sub": "alice", "email": "alice@school.example", "email_verified": true, "name": "Alice" }]
//   }
//
// People sign in on the provider's own development pages (devInteractions): type the account's sub
// (the login name there) and any password.
// Consent is taken as given, as a directory does for its own apps.
//
// "tamper" is for the protocol tests only: the token endpoint's id_token for that client is signed
// again, with this provider's own key, after the listed claims are replaced (null removes one). It
// makes the tokens a real provider will not mint (another audience, another issuer, expired, a
// wrong nonce), so that the service's own checks are what refuses them.
//
// --issuer names the issuer this provider puts in its discovery document and tokens; by default
// http://127.0.0.1:<port>. Another host name for the same address gives a provider whose issuer is
// not the address a tenant was told to use.
//
// Prints "listening <issuer>" when ready; stops on SIGTERM or when its parent closes stdin.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    fixture: { type: 'string' },
    issuer: { type: 'string' },
  },
});
if (!args.port || !args.fixture) {
  console.error('usage: node server.js --port <port> --fixture <file.json> [--issuer <url>]');
  process.exit(2);
}
const port = Number(args.port);
const issuer = args.issuer ?? `http://127.0.0.1:${port}`;
const fixture = JSON.parse(readFileSync(args.fixture, 'utf8'));
const accounts = fixture.accounts ?? [];
const tampered = new Map((fixture.clients ?? []).filter((c) => c.tamper).map((c) => [c.client_id, c.tamper]));

// The signing key is made here, so the tamper step can sign with the same key the provider publishes.
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

const standardClaims = ['sub', 'email', 'email_verified', 'name', 'preferred_username'];
const extraClaims = [...new Set(accounts.flatMap((a) => Object.keys(a)))].filter((k) => !standardClaims.includes(k));

const provider = new Provider(issuer, {
  clients: (fixture.clients ?? []).map(({ tamper, ...client }) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // The ASP.NET Core handler sends the secret in the form body.
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  })),
  jwks: { keys: [signingJwk] },
  async findAccount(ctx, id) {
    const account = accounts.find((a) => a.sub === id);
    if (!account) return undefined;
    return {
      accountId: account.sub,
      async claims() { return { ...account }; },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', ...extraClaims],
  },
  // Entra ID and Google put the profile and email claims in the id_token; so does this provider.
  conformIdTokenClaims: false,
  // Consent is implied for the directory's own apps (no consent page), as in a school's Entra ID.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['supervisionhub-test-provider-cookie-key'] },
  ttl: {
    IdToken: fixture.idTokenTtl ?? 3600,
    AccessToken: 3600,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
});
provider.proxy = false;
// The provider logs a line per server error; the tests read what the service did, not this.
provider.on('server_error', (ctx, err) => console.error('server_error', err?.message));

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.method !== 'POST' || typeof ctx.body !== 'object' || !ctx.body?.id_token) return;
  const original = jose.decodeJwt(ctx.body.id_token);
  const aud = Array.isArray(original.aud) ? original.aud[0] : original.aud;
  const tamper = tampered.get(aud);
  if (!tamper) return;
  const now = Math.floor(Date.now() / 1000);
  const claims = { ...original };
  for (const [key, value] of Object.entries(tamper)) {
    if (value === null) delete claims[key];
    // Times may be given relative to now: { "exp": "now-300" }.
    else if (typeof value === 'string' && /^now[+-]\d+$/.test(value)) claims[key] = now + Number(value.slice(3));
    else claims[key] = value;
  }
  ctx.body = {
    ...ctx.body,
    id_token: await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid, typ: 'JWT' }).sign(privateKey),
  };
});

const server = provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
