import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { get } from "node:http";
import { gunzipSync, gzipSync } from "node:zlib";
import { SUBGRAPH_NAMES, createIdentityVerifier, createLogger, type RouteHandler } from "@citygraph/core";
import { consoleOptionsOf, securityFromEnv } from "@citygraph/platform";
import { consoleRoutes, createDevSignIn, issueForAnotherProcess } from "@citygraph/gateway/console";
import { testSecurity } from "../../../support/security.ts";
import { startOidcProvider, type TestOidcProvider } from "../../../support/oidc-provider.ts";

/** Serves a route table as the gateway's HTTP server does (exact paths, GET). */
async function serve(routes: Record<string, RouteHandler>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? "/", "http://x").pathname];
    if (route) return void route(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("the console's development sign-in link", () => {
  let url: string;
  let server: Server;
  let dist: string;
  let issue: () => string;

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), "citygraph-console-dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), '<script type="module" src="/console/assets/index-abc123.js"></script>');
    writeFileSync(join(dist, "assets", "index-abc123.js"), "export {};");
    writeFileSync(join(dist, "assets", "index-abc123.js.gz"), gzipSync("export {};"));
    const options = consoleOptionsOf(await testSecurity(), dist);
    assert.equal(options.signIn.kind, "dev");
    if (options.signIn.kind !== "dev") return;
    const { devSignIn } = options.signIn;
    issue = () => devSignIn.issue();
    ({ url, server } = await serve(consoleRoutes(options, createLogger({ test: true }, "error"))));
  });
  after(() => {
    server?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  const redeem = (code: string) => fetch(`${url}/console/session`, { headers: { "x-citygraph-sign-in-code": code } });

  it("exchanges a printed code once for a short-lived token of the local operator", async () => {
    const code = issue();
    const first = await redeem(code);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("cache-control"), "no-store");
    const body = (await first.json()) as { access_token: string; expires_in: number };
    assert.ok(body.expires_in > 0 && body.expires_in <= 3600, "an hour at most");
    const security = await testSecurity();
    const principal = await createIdentityVerifier({ ...security.identity, roles: security.roles, owners: SUBGRAPH_NAMES })(
      `Bearer ${body.access_token}`,
    );
    assert.equal(principal.kind === "user" && principal.subject, "local-operator");
    assert.ok(principal.kind === "user" && principal.scopes.includes("audit:read") && principal.scopes.includes("governance:admin"));

    const again = await redeem(code);
    assert.equal(again.status, 401, "a used code is refused");
  });

  it("accepts the code citygraph start printed once across every gateway worker, a restarted one included", async () => {
    const used = mkdtempSync(join(tmpdir(), "citygraph-sign-in-"));
    try {
      const printed = issueForAnotherProcess();
      const { privateJwk } = (await testSecurity()).devIdentityProvider;
      // Each worker, and a worker restarted after a crash, builds its own from the environment.
      const worker = () =>
        createDevSignIn({ privateJwk, claims: { subject: "local-operator", scopes: ["audit:read"] }, issued: printed, usedCodesDir: used });
      const [first, second] = [worker(), worker()];
      const answers = await Promise.all([first.redeem(printed.code), second.redeem(printed.code)]);
      assert.equal(answers.filter(Boolean).length, 1, "one of two workers accepts it");
      assert.equal(await worker().redeem(printed.code), undefined, "a restarted worker does not accept it again");
    } finally {
      rmSync(used, { recursive: true, force: true });
    }
  });

  it("refuses unknown and malformed codes, and says how to get a new link", async () => {
    for (const code of ["x".repeat(32), "../../etc", ""]) {
      const response = await redeem(code);
      assert.equal(response.status, 401);
      assert.match(((await response.json()) as { error: string }).error, /restart citygraph/);
    }
  });

  it("tells the page to use development sign-in without revealing anything of it", async () => {
    const response = await fetch(`${url}/console/config.json`);
    assert.deepEqual(await response.json(), { signIn: { kind: "dev" } });
  });

  it("serves hashed assets for a year and the page never from cache, under a CSP without inline scripts", async () => {
    const page = await fetch(`${url}/console/`);
    assert.equal(page.headers.get("cache-control"), "no-cache");
    assert.match(page.headers.get("content-security-policy") ?? "", /^default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';/);
    const asset = await fetch(`${url}/console/assets/index-abc123.js`);
    assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(asset.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal((await fetch(`${url}/console/assets/other.js`)).status, 404);
  });

  it("sends the build's gzipped asset to clients that accept gzip, and the plain one to the rest", async () => {
    const raw = (path: string, acceptEncoding?: string) =>
      new Promise<{ status: number; encoding?: string; vary?: string; body: Buffer }>((resolve, reject) => {
        get(`${url}${path}`, { headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode!, encoding: res.headers["content-encoding"], vary: res.headers.vary, body: Buffer.concat(chunks) }),
          );
        }).on("error", reject);
      });
    const gzipped = await raw("/console/assets/index-abc123.js", "gzip, deflate, br");
    assert.equal(gzipped.encoding, "gzip");
    assert.equal(gunzipSync(gzipped.body).toString(), "export {};");
    assert.equal(gzipped.vary, "accept-encoding", "caches keep the two apart");
    for (const accept of [undefined, "identity", "gzip;q=0, br"]) {
      const plain = await raw("/console/assets/index-abc123.js", accept);
      assert.deepEqual([plain.encoding, plain.body.toString()], [undefined, "export {};"], String(accept));
    }
    assert.equal((await raw("/console/assets/index-abc123.js.gz", "gzip")).status, 404, "the .gz files are no assets of their own");
  });

  it("answers 503 with the command to run when the console is not built", async () => {
    const empty = mkdtempSync(join(tmpdir(), "citygraph-console-empty-"));
    const { url: bare, server: s } = await serve(
      consoleRoutes({ distDir: empty, signIn: { kind: "none" } }, createLogger({ test: true }, "error")),
    );
    const response = await fetch(`${bare}/console/`);
    assert.equal(response.status, 503);
    assert.match(await response.text(), /npm run build:console/);
    s.close();
    rmSync(empty, { recursive: true, force: true });
  });
});

describe("CITYGRAPH_OIDC_ISSUER", () => {
  let idp: TestOidcProvider;
  before(async () => {
    idp = await startOidcProvider({ someone: { name: "someone", scopes: ["audit:read"] } });
    idp.serve("http://127.0.0.1:1/console/");
  });
  after(() => idp?.close());

  it("makes the gateway trust the provider's discovered JWKS and issuer, and the console sign in there", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "citygraph-oidc-env-"));
    try {
      const security = await securityFromEnv({
        CITYGRAPH_DATA_DIR: dataDir,
        CITYGRAPH_OIDC_ISSUER: idp.issuer,
        CITYGRAPH_OIDC_CLIENT_ID: idp.clientId,
        CITYGRAPH_JWT_AUDIENCE: idp.audience,
      });
      assert.deepEqual(security.identity.keys, { kind: "url", url: new URL(`${idp.issuer}/jwks`) });
      assert.equal(security.identity.issuer, idp.issuer);
      assert.equal(security.identity.audience, idp.audience);
      assert.equal(security.devIdentityProvider, undefined, "no development identity provider beside a real one");
      assert.deepEqual(consoleOptionsOf(security, dataDir).signIn, {
        kind: "oidc",
        issuer: idp.issuer,
        clientId: idp.clientId,
        scope: "openid",
        resource: idp.audience,
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("fails start-up with what to set when the client id or audience is missing, or the provider unreachable", async () => {
    await assert.rejects(securityFromEnv({ CITYGRAPH_OIDC_ISSUER: idp.issuer }), /CITYGRAPH_OIDC_CLIENT_ID/);
    await assert.rejects(
      securityFromEnv({ CITYGRAPH_OIDC_ISSUER: idp.issuer, CITYGRAPH_OIDC_CLIENT_ID: "c" }),
      /CITYGRAPH_JWT_AUDIENCE/,
    );
    await assert.rejects(
      securityFromEnv({ CITYGRAPH_OIDC_ISSUER: "http://127.0.0.1:1", CITYGRAPH_OIDC_CLIENT_ID: "c", CITYGRAPH_JWT_AUDIENCE: "a" }),
      /could not read http:\/\/127\.0\.0\.1:1\/\.well-known\/openid-configuration/,
    );
  });
});
