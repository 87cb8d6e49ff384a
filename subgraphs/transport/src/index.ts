// The transport subgraph as its own process. Configuration: see README § Configuration.
import { serveSubgraph } from "@citygraph/platform";
import { transportSubgraph } from "./server.ts";

await serveSubgraph(transportSubgraph);
