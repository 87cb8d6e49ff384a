import { StartupError } from "@citygraph/core/errors";
import type { Logger, ObservabilityConfig } from "@citygraph/core";
import { startOpsServer, startTracing } from "@citygraph/core/telemetry";

/** What {@link startObservability} started, and where. */
export interface RunningObservability {
  /** The operations port's `/metrics` URL, if it listens. */
  metricsUrl?: string;
  /** Where traces go, if anywhere. */
  tracesTo?: string;
  /** Flushes buffered spans and closes the operations port. */
  stop(): Promise<void>;
}

/** Starts tracing (when an OTLP endpoint is configured) and the operations port of one process. */
export async function startObservability(
  config: ObservabilityConfig,
  log: Logger,
  /** What the operations port's `/metrics` answers. Default: this process's own metrics. */
  render?: () => Promise<string>,
): Promise<RunningObservability> {
  const tracing = config.otlpEndpoint ? await startTracing({ serviceName: config.serviceName, endpoint: config.otlpEndpoint }) : undefined;
  let ops: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  if (config.ops.kind === "listen") {
    try {
      ops = await startOpsServer(config.ops, render);
    } catch (error) {
      await tracing?.shutdown();
      const code = (error as NodeJS.ErrnoException).code;
      throw new StartupError(
        code === "EADDRINUSE"
          ? `The operations port ${config.ops.host}:${config.ops.port} is in use: set CITYGRAPH_OPS_PORT to a free port (0 picks one) or "off".`
          : `Cannot open the operations port ${config.ops.host}:${config.ops.port}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  log.debug("observability", { metrics: ops?.url, traces: config.otlpEndpoint ?? "off" });
  return {
    metricsUrl: ops?.url,
    tracesTo: config.otlpEndpoint,
    stop: async () => {
      await ops?.close().catch(() => undefined);
      await tracing?.shutdown().catch(() => undefined);
    },
  };
}
