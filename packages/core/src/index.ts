// type-graphql reads decorator metadata through this polyfill; it must load before any decorated class.
import "reflect-metadata";
// The shared kit every subgraph and the gateway build on.
export * from "./errors.ts";
export * from "./log.ts";
export * from "./config.ts";
export * from "./context.ts";
export * from "./districts.ts";
export * from "./pagination.ts";
export * from "./validation/index.ts";
export * from "./database/prisma.ts";
export * from "./database/pool.ts";
export * from "./subgraph/schema.ts";
export * from "./subgraph/app.ts";
export * from "./http/server.ts";
export * from "./loaders.ts";
export * from "./bounded-cache.ts";
export * from "./seed/index.ts";
export * from "./subgraph/definition.ts";
export * from "./database/migrate.ts";
export * from "./database/admin.ts";
export * from "./policy/index.ts";
export * from "./auth/index.ts";
export * from "./scalars.ts";
export * from "./subgraph/permissions.ts";
export * from "./subgraph/order.ts";
export * from "./row-scope.ts";
export * from "./subgraph/subjects.ts";
export * from "./telemetry/index.ts";
