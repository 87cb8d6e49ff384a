// The education subgraph as its own process. Configuration: see README § Configuration.
import { serveSubgraph } from "@citygraph/platform";
import { educationSubgraph } from "./server.ts";

await serveSubgraph(educationSubgraph);
