import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { RouteHandler } from "@citygraph/core";

/**
 * GraphiQL served by the gateway itself from npm packages: government networks are often cut off
 * from the internet, so nothing may come from a CDN. The page loads only same-origin scripts.
 */

const require = createRequire(import.meta.url);

const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  "/explorer/react.js": { pkg: "react", file: "umd/react.production.min.js", type: "text/javascript" },
  "/explorer/react-dom.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript" },
  "/explorer/graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "text/javascript" },
  "/explorer/graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css" },
};

/** The query the explorer opens with; also printed by `npm start`. */
export const FIRST_QUERY = `# Persons of 金水区 with data from four departments.
# Anonymous callers see public data only: paste {"authorization": "Bearer <token>"} into
# Headers below (npm start prints a development token; make others with npx citygraph token).
query FirstLook {
  persons(district: "410105", first: 3) {
    nodes {
      id
      name
      district { name }
      healthCode { color reason }
      crossings(first: 2) { nodes { time direction checkpoint { name } } }
      employment { enterprise { name resumptionStatus } }
    }
    pageInfo { endCursor hasNextPage }
  }
}
`;

const INIT_SCRIPT = `
const root = ReactDOM.createRoot(document.getElementById("graphiql"));
const fetcher = GraphiQL.createFetcher({ url: location.pathname });
// A prepared query in the fragment (the console's catalog links here so): it never reaches a server log.
let prepared;
try {
  prepared = /^#query=/.test(location.hash) ? decodeURIComponent(location.hash.slice("#query=".length)) : undefined;
} catch {
  prepared = undefined;
}
root.render(React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(FIRST_QUERY)}, ...(prepared ? { query: prepared } : {}), defaultEditorToolsVisibility: true }));
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>citygraph explorer</title>
  <link rel="stylesheet" href="/explorer/graphiql.css">
  <style>
    body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }
    /* GraphiQL asks for Roboto and Fira Code, which carry no Chinese: the system's CJK faces follow. */
    .graphiql-container, .CodeMirror, .graphiql-container * {
      --font-family: Roboto, system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif;
      --font-family-mono: "Fira Code", ui-monospace, "Noto Sans Mono CJK SC", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", monospace;
    }
    .CodeMirror { font-family: var(--font-family-mono); }
  </style>
</head>
<body>
  <div id="graphiql">Loading the explorer…</div>
  <script src="/explorer/react.js"></script>
  <script src="/explorer/react-dom.js"></script>
  <script src="/explorer/graphiql.js"></script>
  <script src="/explorer/init.js"></script>
</body>
</html>`;

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
    // Never framed (a page pasted tokens go into must not be overlaid), no base to rewrite links.
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The explorer's page (served at the GraphQL endpoint to browsers). */
export const explorerPage: RouteHandler = (_req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS });
  res.end(PAGE);
};

/** Routes for the explorer's static assets; files are read once, on first request. */
export function explorerAssetRoutes(): Record<string, RouteHandler> {
  const cache = new Map<string, Buffer>();
  const routes: Record<string, RouteHandler> = {
    "/explorer/init.js": (_req, res) => {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", ...SECURITY_HEADERS });
      res.end(INIT_SCRIPT);
    },
  };
  for (const [path, asset] of Object.entries(ASSETS)) {
    routes[path] = (_req, res) => {
      let body = cache.get(path);
      if (!body) {
        // Packages' `exports` hide their UMD builds from require.resolve; go through package.json.
        body = readFileSync(join(dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file));
        cache.set(path, body);
      }
      res.writeHead(200, {
        "content-type": `${asset.type}; charset=utf-8`,
        "cache-control": "public, max-age=86400",
        ...SECURITY_HEADERS,
      });
      res.end(body);
    };
  }
  return routes;
}
