export * from "./budgets.ts";
export * from "./measure.ts";
export * from "./plugin.ts";
