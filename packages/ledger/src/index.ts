// The tamper-evident access ledger: entries, the group-commit writer, verification, export.
export * from "./entry.ts";
export * from "./canonical-json.ts";
export * from "./hash.ts";
export * from "./checkpoint.ts";
export * from "./pool.ts";
export * from "./writer.ts";
export * from "./verify.ts";
export * from "./export.ts";
export * from "./anchor.ts";
export * from "./anchor-file.ts";
export * from "./anchor-postgres.ts";
export * from "./anchor-sinks.ts";
export * from "./anchor-publisher.ts";
export * from "./watch.ts";
export * from "./guard.ts";
export * from "./acknowledge.ts";
export * from "./spool.ts";
