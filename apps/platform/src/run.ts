// What `citygraph start` needs to run the platform as processes, without the modules of the
// services themselves (the barrel's startServices and compose load all six subgraphs).
export { observabilityFromEnv, processEnvironment, upperName } from "./config.ts";
export { databaseModeFromEnv, gatewayLoginUrl, migrateAll, openDatabases, seedAll, seededScale, subgraphNames } from "./databases.ts";
export { securityFromEnv, writeGatewayPublicKeyFile, writeSubgraphTokenKeyFiles, type SecurityConfig } from "./security.ts";
export { consoleOptionsOf } from "./console.ts";
export { createSupervisor, type ServiceSpec } from "./supervisor.ts";
export { assertPortFree, freePort } from "./ports.ts";
export { OPS_PORT, defaultOpsPort } from "./lifecycle.ts";
export { defaultAnchorFile } from "./paths.ts";
export { loadSeedPlans } from "./subgraph-loaders.ts";
