// What `citygraph serve <name>` runs; each module loads only what its one service needs.
export { serveSubgraph, SUBGRAPH_LOADERS } from "./serve-subgraph.ts";
export { serveGateway, type ServeGatewayOptions } from "./serve-gateway.ts";
export { OPS_PORT, defaultOpsPort } from "./lifecycle.ts";
