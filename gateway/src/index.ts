// The gateway as its own process. Configuration: see README § Configuration.
import { serveGateway } from "@citygraph/platform";

await serveGateway();
