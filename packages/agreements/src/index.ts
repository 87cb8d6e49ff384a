// What the governance subgraph (which issues keys and keeps agreements) and the gateway (which
// admits third parties) must agree on, written once.
export * from "./key.ts";
export * from "./standing.ts";
