// The enterprise subgraph as its own process. Configuration: see README § Configuration.
import { serveSubgraph } from "@citygraph/platform";
import { enterpriseSubgraph } from "./server.ts";

await serveSubgraph(enterpriseSubgraph);
