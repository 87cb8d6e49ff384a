export * from "./classification.ts";
export * from "./scopes.ts";
export * from "./mask.ts";
export * from "./decide.ts";
export * from "./directive.ts";
export * from "./fields.ts";
export * from "./roles.ts";
