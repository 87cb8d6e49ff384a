// The tamper-evident access ledger: entries, the group-commit writer, verification, export.
export * from "./entry.ts";
export * from "./canonical-json.ts";
export * from "./hash.ts";
export * from "./checkpoint.ts";
export * from "./pool.ts";
export * from "./writer.ts";
export * from "./verify.ts";
export * from "./export.ts";
