#!/usr/bin/env node
// The citygraph command. In a development checkout it runs the TypeScript sources through tsx's
// loader, so the repo needs no build step before first use; a production install (npm ci
// --omit=dev, no tsx) runs the compiled build in dist/ (`npm run build`) with plain node.
import { existsSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";

// Only an absent tsx means a production install: any other failure to load it is reported, never
// papered over by running a build that may be older than the sources.
const tsx = await import("tsx/esm/api").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND") return undefined;
  throw error;
});
if (tsx) {
  // The repo's own tsconfig, wherever the command is run from: tsx would otherwise look for one
  // in the working directory, and without its decorator settings type-graphql cannot load.
  tsx.register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
  await import("../apps/cli/src/main.ts");
} else if (existsSync(new URL("../dist/apps/cli/src/main.js", import.meta.url))) {
  await import("../dist/apps/cli/src/main.js");
} else {
  console.error('citygraph: neither tsx (a development install) nor a build in dist/ (run "npm run build") is here.');
  process.exit(1);
}
