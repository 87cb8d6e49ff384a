#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so the repo needs no build step before first use.
// The repo's own tsconfig, wherever the command is run from: tsx would otherwise look for one in
// the working directory, and without its decorator metadata type-graphql cannot load.
import { register } from "tsx/esm/api";

register({ tsconfig: new URL("../tsconfig.json", import.meta.url).pathname });
await import("../packages/cli/src/main.ts");
