// An OpenID Connect provider on loopback for the federated sign-in tests and the production
// smoke (tests/oidc_provider.py starts it): panva's oidc-provider, certified by the OpenID
// Foundation, with one client that must authenticate at the token endpoint with
// private_key_jwt and send a PKCE S256 challenge, as login.gov requires.
//
//   node scripts/oidc_test_provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 0, "client": {"client_id", "redirect_uris": [...], "jwks": {"keys":
// [the client's public JWK]}}, "accounts": {"<sub>": {"email", "email_verified"}}}
//
// Signing in is scripted, not a browser form: POST /interaction/<uid> with `login=<sub>`
// (and `amr=mfa`, `acr=...` to assert a second factor) signs that account in and consents to
// the requested scopes. GET /_test/requests lists what the authorization and token endpoints
// received (client authentication method, PKCE parameters, outcome), for the tests to assert
// on the provider's own view of the exchange. Prints "listening <issuer>" once it serves.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;
const requests = [];

// The provider's own ID token signing key, new at every start.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256',
  kid: randomBytes(8).toString('hex') };

const server = createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'private_key_jwt',
      id_token_signed_response_alg: 'RS256',
      ...config.client,
    }],
    pkce: { methods: ['S256'], required: () => true },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // acr and amr in every ID token, as login.gov sends them (the app reads a second factor
    // from them).
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'] },
    acrValues: ['urn:cpc:test:password', 'urn:cpc:test:aal2'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      if (!accounts[sub]) return undefined;
      return { accountId: sub, async claims() { return { sub, ...accounts[sub] }; } };
    },
  });

  provider.use(async (ctx, next) => {
    if (ctx.path === '/_test/requests') {
      ctx.body = requests;
      return;
    }
    const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
    if (match && ctx.method === 'GET') {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      ctx.type = 'html';
      ctx.body = `<form method="post" action="/interaction/${details.uid}">`
        + '<input name="login"><input name="amr"><input name="acr"><button>Sign in</button></form>';
      return;
    }
    if (match && ctx.method === 'POST') {
      const form = new URLSearchParams(await readBody(ctx.req));
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      const accountId = form.get('login');
      if (!accounts[accountId]) {
        ctx.status = 400;
        ctx.body = 'unknown account';
        return;
      }
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      const login = { accountId, amr: form.get('amr') ? form.get('amr').split(' ') : ['pwd'] };
      if (form.get('acr')) login.acr = form.get('acr');
      const url = await provider.interactionResult(ctx.req, ctx.res,
        { login, consent: { grantId } }, { mergeWithLastSubmission: false });
      ctx.redirect(url);
      return;
    }
    await next();
    if (ctx.path === '/auth' || ctx.path === '/token') {
      const params = ctx.oidc?.params || {};
      requests.push({
        endpoint: ctx.path.slice(1),
        status: ctx.status,
        error: ctx.body?.error,
        client_id: ctx.oidc?.client?.clientId,
        client_auth_method: ctx.path === '/token' ? ctx.oidc?.client?.clientAuthMethod : undefined,
        client_assertion_type: params.client_assertion_type,
        code_challenge_method: params.code_challenge_method,
        acr_values: params.acr_values,
        code_verifier_sent: Boolean(params.code_verifier),
      });
    }
  });

  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
