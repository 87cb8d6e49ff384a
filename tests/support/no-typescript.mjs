// Loaded with `--import` into a process that must run without a TypeScript loader: any module
// whose URL is a TypeScript file makes the process fail at once, naming it.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
export async function load(url, context, next) {
  if (/\\.(ts|tsx|mts|cts)$/.test(new URL(url).pathname)) throw new Error("TypeScript loaded in a compiled process: " + url);
  return next(url, context);
}`),
);
