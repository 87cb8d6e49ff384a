// The governance subgraph as its own process. Configuration: see README § Configuration.
import { serveSubgraph } from "@citygraph/platform";
import { governanceSubgraph } from "./server.ts";

await serveSubgraph(governanceSubgraph);
