// Loaded into every test process by scripts/test.ts: loggers the tests create in process write at
// LOG_LEVEL (the runner's default is "error"), as the citygraph command's do.
import { setDefaultLogLevel } from "@citygraph/core/log";
import { logLevelFromEnv } from "@citygraph/platform/config";

setDefaultLogLevel(logLevelFromEnv());
