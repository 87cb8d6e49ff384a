export * from "./paths.ts";
export * from "./compose.ts";
export * from "./embedded.ts";
export * from "./databases.ts";
export * from "./start.ts";
export * from "./serve.ts";
export { SUBGRAPHS as SUBGRAPH_DEFINITIONS } from "../../../subgraphs/index.ts";
export * from "./security.ts";
export * from "./observability.ts";
