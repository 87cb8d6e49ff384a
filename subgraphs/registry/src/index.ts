// The registry subgraph as its own process. Configuration: see README § Configuration.
import { serveSubgraph } from "@citygraph/platform";
import { registrySubgraph } from "./server.ts";

await serveSubgraph(registrySubgraph);
