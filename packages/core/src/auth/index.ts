export * from "./errors.ts";
export * from "./keys.ts";
export * from "./identity.ts";
export * from "./internal-token.ts";
export * from "./dev-token.ts";
export * from "./claims.ts";
export * from "./replay-cache.ts";
