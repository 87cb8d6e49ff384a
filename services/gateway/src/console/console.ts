import { existsSync, readFileSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import Negotiator from "negotiator";
import { headerValue, sendJson, type Logger, type RouteHandler } from "@citygraph/core";
import type { DevSignIn } from "./dev-sign-in.ts";

/** How the console signs its users in (what /console/config.json tells it). */
export type ConsoleSignIn =
  | {
      kind: "oidc";
      /** The identity provider's issuer URL (`CITYGRAPH_OIDC_ISSUER`). */
      issuer: string;
      /** The console's public client id there (`CITYGRAPH_OIDC_CLIENT_ID`). */
      clientId: string;
      /** Scopes the console asks for (`CITYGRAPH_OIDC_SCOPE`). */
      scope: string;
      /** RFC 8707 resource indicator: the audience of the access tokens (`CITYGRAPH_JWT_AUDIENCE`). */
      resource?: string;
    }
  | { kind: "dev"; devSignIn: DevSignIn }
  | { kind: "none" };

/** Options of {@link consoleRoutes}. */
export interface ConsoleOptions {
  /** The Vite build (`apps/console/dist`): index.html and content-hashed files under assets/. */
  distDir: string;
  signIn: ConsoleSignIn;
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/**
 * The governance console at /console, from its build: same origin as /graphql, scripts only from
 * this origin (`script-src 'self'`, the build has no inline script), the identity provider the only
 * other origin the page may talk to. Hashed assets are cached for a year; index.html never (so a
 * new build is picked up at once). Routes are exact paths (the HTTP server's), one per built file.
 */
export function consoleRoutes(options: ConsoleOptions, log: Logger): Record<string, RouteHandler> {
  const idp = options.signIn.kind === "oidc" ? ` ${new URL(options.signIn.issuer).origin}` : "";
  const headers = {
    "content-security-policy":
      `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'${idp}; img-src 'self' data:; ` +
      "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  };
  const indexFile = join(options.distDir, "index.html");
  if (!existsSync(indexFile)) {
    log.warn("console not built: /console answers 503", { distDir: options.distDir, fix: "npm run build:console" });
    const notBuilt: RouteHandler = (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end("The console is not built. Run: npm run build:console\n");
    };
    return { "/console": notBuilt, "/console/": notBuilt };
  }
  const index = readFileSync(indexFile);
  const page: RouteHandler = (_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", ...headers });
    res.end(index);
  };
  const routes: Record<string, RouteHandler> = {
    "/console": (_req, res) => {
      res.writeHead(308, { location: "/console/" });
      res.end();
    },
    "/console/": page,
    "/console/config.json": (_req, res) => {
      const { signIn } = options;
      const body = signIn.kind === "dev" ? { kind: "dev" } : signIn;
      res.setHeader("cache-control", "no-store");
      sendJson(res, 200, { signIn: body });
    },
    // GET, with the code in a header: the route table serves GET only, and a header stays out of
    // access logs and browser history.
    "/console/session": async (req, res) => {
      res.setHeader("cache-control", "no-store");
      if (options.signIn.kind !== "dev") return sendJson(res, 404, { error: "not found" });
      const code = headerValue(req, "x-citygraph-sign-in-code");
      const token = code && /^[\w-]{16,64}$/.test(code) ? await options.signIn.devSignIn.redeem(code) : undefined;
      if (!token) return sendJson(res, 401, { error: "This sign-in link is unknown, used or expired: restart citygraph for a new one." });
      sendJson(res, 200, token);
    },
  };
  const assets = join(options.distDir, "assets");
  const built = existsSync(assets) ? readdirSync(assets) : [];
  for (const file of built.filter((name) => !name.endsWith(".gz"))) {
    const body = readFileSync(join(assets, file));
    const gzipped = built.includes(`${file}.gz`) ? readFileSync(join(assets, `${file}.gz`)) : undefined;
    routes[`/console/assets/${file}`] = (req, res) => {
      const gzip = gzipped && new Negotiator(req).encoding(["gzip", "identity"]) === "gzip";
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "public, max-age=31536000, immutable",
        ...(gzipped ? { vary: "accept-encoding" } : {}),
        ...(gzip ? { "content-encoding": "gzip" } : {}),
        ...headers,
      });
      res.end(gzip ? gzipped : body);
    };
  }
  return routes;
}
