// The health subgraph as its own process. Configuration: see README § Configuration.
import { serveSubgraph } from "@citygraph/platform";
import { healthSubgraph } from "./server.ts";

await serveSubgraph(healthSubgraph);
