export * from "./paths.ts";
export * from "./compose.ts";
export * from "./embedded.ts";
export * from "./databases.ts";
export * from "./start.ts";
