#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so the repo needs no build step before first use.
// The repo's own tsconfig, wherever the command is run from: tsx would otherwise look for one in
// the working directory, and without its decorator metadata type-graphql cannot load.
import { URL, fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../apps/cli/src/main.ts");
