import * as oauth from "oauth4webapi";

/**
 * Sign-in. The console holds the access token in this module's memory only — never in
 * localStorage or a cookie — so closing the tab or signing out forgets it. What the gateway says
 * about sign-in comes from /console/config.json:
 * - `oidc`: OpenID Connect authorization code + PKCE against the city's identity provider
 *   (oauth4webapi); the access token (a JWT the gateway verifies against the provider's JWKS) is
 *   the bearer token of every GraphQL request.
 * - `dev`: `citygraph start` printed a link carrying a one-time code in its fragment (never sent
 *   in a URL); the gateway exchanges it once for a short-lived token of the local operator.
 */

export type SignInConfig =
  | { kind: "oidc"; issuer: string; clientId: string; scope: string; resource?: string }
  | { kind: "dev" }
  | { kind: "none" };

export interface Session {
  accessToken: string;
  subject: string;
  scopes: string[];
  expiresAt: number;
}

let session: Session | undefined;
const listeners = new Set<() => void>();

export function currentSession(): Session | undefined {
  if (session && session.expiresAt <= Date.now()) session = undefined;
  return session;
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setSession(next: Session | undefined): void {
  session = next;
  for (const listener of listeners) listener();
}

export function signOut(): void {
  sessionStorage.removeItem(PKCE_KEY);
  setSession(undefined);
}

/** The claims the console shows (who is signed in, which pages to offer); the gateway decides access. */
function sessionOf(accessToken: string, expiresIn: number | undefined): Session {
  let claims: { sub?: string; scope?: string; exp?: number } = {};
  try {
    const payload = accessToken.split(".")[1] ?? "";
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0))));
  } catch {
    // An opaque token: the console cannot read it, the gateway still can.
  }
  const expiresAt = claims.exp ? claims.exp * 1000 : Date.now() + (expiresIn ?? 300) * 1000;
  return { accessToken, subject: claims.sub ?? "?", scopes: (claims.scope ?? "").split(/\s+/).filter(Boolean), expiresAt };
}

export async function loadSignInConfig(): Promise<SignInConfig> {
  const response = await fetch("/console/config.json", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return ((await response.json()) as { signIn: SignInConfig }).signIn;
}

// What must survive the redirect to the identity provider: the PKCE verifier and the state. Not a
// credential (useless without the code, which only the provider's redirect carries), so it may sit
// in sessionStorage; it is removed as soon as the redirect comes back.
const PKCE_KEY = "citygraph.console.pkce";

const redirectUri = () => new URL("/console/", location.origin).href;

function insecureOption(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  // Plain HTTP only for a provider on this machine (development and the tests); anything else must be HTTPS.
  const loopback = issuer.hostname === "127.0.0.1" || issuer.hostname === "localhost" || issuer.hostname === "[::1]";
  return issuer.protocol === "http:" && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(config: Extract<SignInConfig, { kind: "oidc" }>) {
  const issuer = new URL(config.issuer);
  const options = insecureOption(issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: "oidc", ...options }));
  return { as, client: { client_id: config.clientId } satisfies oauth.Client, options };
}

/** Sends the browser to the identity provider. */
export async function startOidcSignIn(config: Extract<SignInConfig, { kind: "oidc" }>): Promise<void> {
  const { as } = await discover(config);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", redirectUri());
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", config.scope);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("state", state);
  if (config.resource) url.searchParams.set("resource", config.resource);
  location.assign(url.href);
}

/**
 * Completes whichever sign-in the page was opened for: the identity provider's redirect
 * (`?code=…&state=…`) or a development link (`#signin=<code>`). Returns false when there was none.
 */
export async function completeSignIn(config: SignInConfig): Promise<boolean> {
  const current = new URL(location.href);
  const devCode = /(?:^#|&)signin=([\w-]+)/.exec(current.hash)?.[1];
  if (devCode) {
    history.replaceState(null, "", `${current.pathname}#/catalog`);
    const response = await fetch("/console/session", { headers: { "x-citygraph-sign-in-code": devCode } });
    if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error ?? `HTTP ${response.status}`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    setSession(sessionOf(body.access_token, body.expires_in));
    return true;
  }
  if (config.kind !== "oidc" || (!current.searchParams.has("code") && !current.searchParams.has("error"))) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? "null") as { verifier: string; state: string; hash: string } | null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, "", `${current.pathname}${saved?.hash || "#/catalog"}`);
  if (!saved) throw new Error("no sign-in was started in this tab");
  const { as, client, options } = await discover(config);
  const params = oauth.validateAuthResponse(as, client, current, saved.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri(), saved.verifier, {
    ...options,
    additionalParameters: config.resource ? { resource: config.resource } : undefined,
  });
  const result = await oauth.processAuthorizationCodeResponse(as, client, response);
  setSession(sessionOf(result.access_token, result.expires_in));
  return true;
}
