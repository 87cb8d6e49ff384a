#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so the repo needs no build step before first use.
import { register } from "tsx/esm/api";

register();
await import("../packages/cli/src/main.ts");
