// Loaded into every test process by scripts/test.ts: loggers the tests create in process write at
// LOG_LEVEL (the runner's default is "error"), as the citygraph command's do.
import { setDefaultLogLevel } from "@citygraph/core/log";
import { logLevelFromEnv } from "@citygraph/platform/config";
import { guardProcessExit } from "@citygraph/core/process";

setDefaultLogLevel(logLevelFromEnv());
// A test file's process ends with process.exit (--test-force-exit, async-exit-hook): guarded, so
// that it cannot hang the run on Node 24.
guardProcessExit();
