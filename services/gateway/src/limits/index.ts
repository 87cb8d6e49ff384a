export * from "./budgets.ts";
export * from "./measure.ts";
export * from "./judge.ts";
