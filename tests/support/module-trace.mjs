// Loaded with `--import`: appends the URL of every module the process loads through the ES module
// loader (CommonJS packages' entry points included, not their inner `require`s) to the file named
// by CITYGRAPH_TEST_MODULE_TRACE, one per line, so a test can say what a command does not load.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
import { appendFileSync } from "node:fs";
const file = ${JSON.stringify(process.env.CITYGRAPH_TEST_MODULE_TRACE ?? "")};
export async function load(url, context, next) {
  if (file) appendFileSync(file, url + "\\n");
  return next(url, context);
}`),
);
