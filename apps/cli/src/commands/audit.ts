import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import type pg from "pg";
import type { JWK } from "jose";
import { StartupError, assertPostgresUrl, createLogger, createPgPool } from "@citygraph/core";
import { anchorConfigFromEnv, checkpointKeysFromEnv } from "@citygraph/platform";
import { defaultAnchorFile, databaseModeFromEnv, openDatabases, securityFromEnv } from "@citygraph/platform";
import {
  ANCHOR_WRITER_ROLE,
  acknowledgeLedgerBreak,
  openAnchorSink,
  redactedUrl,
  setupAnchorDatabase,
  type AnchorSink,
  anchorSinksOf,
  countLedgerEntries,
  ledgerCsvHeader,
  ledgerCsvLine,
  readLedger,
  verifyLedger,
} from "@citygraph/ledger";
import { createProgressBar } from "../progress.ts";

export const AUDIT_USAGE = `citygraph audit <subcommand> [options]   (the tamper-evident access ledger, in the governance database)

  verify [--anchors <file|postgresql://…>]… [--json]
                         walk the hash chain, check every signed checkpoint and every anchor of each
                         --anchors sink (default: $CITYGRAPH_ANCHOR_FILE / $CITYGRAPH_ANCHOR_DATABASE_URL);
                         list every break with its kind (edited, deleted, inserted, reordered, truncated,
                         contradicts-anchor, bad-signature, damaged-anchor); exit 1 when there is any.
                         --json prints one JSON document for tools. Gateway public key:
                         $CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE (a JWK, or a JWKS listing rotated keys), else
                         the platform's gateway key
  acknowledge --as <operator> --reason <text>
                         record in the ledger that an operator has seen a break the gateway reported
                         (LEDGER_COMPROMISED); gateways then serve personal data again. Publishes an
                         anchor of the new head to the configured sinks
  setup-anchors <admin postgresql://…> [--writer citygraph_anchor_writer]
                         create the insert-only anchor table in the audit office's database (run as its
                         owner); the writer role must exist already, with LOGIN and its own password
  export --from <ISO> --to <ISO> [--format jsonl|csv] [--out <file>]
                         entries whose time is in [from, to), in chain order: JSON Lines (each line the
                         hashed body) or CSV (fixed columns); to stdout unless --out. Progress on stderr.
`;

/** Ranges with at least this many entries draw a progress bar on stderr. */
const PROGRESS_THRESHOLD = 10_000;

/** `citygraph audit <verify|export>`: parses its own options (see {@link AUDIT_USAGE}). */
export async function auditCommand(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string", default: "jsonl" },
      out: { type: "string" },
      anchors: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      as: { type: "string" },
      reason: { type: "string" },
      writer: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [subcommand, ...extra] = positionals;
  if (values.help || !subcommand) {
    console.log(AUDIT_USAGE);
    return;
  }
  if (subcommand === "setup-anchors") {
    const [adminUrl, ...rest] = extra;
    if (!adminUrl || rest.length) throw new StartupError(`setup-anchors takes the audit office's admin database URL.\n\n${AUDIT_USAGE}`);
    assertPostgresUrl("setup-anchors", adminUrl);
    await setupAnchorDatabase(adminUrl, values.writer ?? ANCHOR_WRITER_ROLE);
    console.log(`anchor table ready in ${redactedUrl(adminUrl)}; insert-only for ${values.writer ?? ANCHOR_WRITER_ROLE}`);
    return;
  }
  if (extra.length) throw new StartupError(`Unexpected arguments: ${extra.join(" ")}\n\n${AUDIT_USAGE}`);
  switch (subcommand) {
    case "verify":
      return withGovernancePool((pool, url) => verify(pool, url, { anchors: values.anchors, json: values.json }));
    case "acknowledge": {
      if (!values.as) throw new StartupError("--as <operator> is required: who acknowledges the break.");
      if (!values.reason) throw new StartupError("--reason <text> is required: what was found and done (at most 256 characters).");
      if (values.reason.length > 256) throw new StartupError("--reason must be at most 256 characters.");
      const who = { operator: values.as, reason: values.reason };
      return withGovernancePool((pool, url) => acknowledge(pool, url, who));
    }
    case "export": {
      const from = instant("--from", values.from);
      const to = instant("--to", values.to);
      if (from.getTime() >= to.getTime()) throw new StartupError("--to must be later than --from.");
      if (values.format !== "jsonl" && values.format !== "csv") throw new StartupError('--format must be "jsonl" or "csv".');
      const format = values.format;
      return withGovernancePool((pool) => exportEntries(pool, { from, to, format, out: values.out }));
    }
    default:
      throw new StartupError(`Unknown audit subcommand "${subcommand}".\n\n${AUDIT_USAGE}`);
  }
}

function instant(option: string, value: string | undefined): Date {
  if (!value) throw new StartupError(`${option} is required: an ISO 8601 instant, e.g. 2026-11-01T00:00:00+08:00.`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new StartupError(`${option} is not an ISO 8601 instant: ${JSON.stringify(value)}.`);
  return date;
}

/** Runs `work` over a pool on the platform's governance database (embedded or `DATABASE_URL[_GOVERNANCE]`). */
async function withGovernancePool(work: (pool: pg.Pool, url: string) => Promise<void>): Promise<void> {
  const log = createLogger({ service: "cli" }, "warn");
  const databases = await openDatabases(databaseModeFromEnv(), log);
  const pool = createPgPool({ connectionString: databases.urls.governance, max: 2 });
  try {
    await work(pool, databases.urls.governance);
  } finally {
    await pool.end().catch(() => undefined);
    await databases.stop();
  }
}

/**
 * The key(s) checkpoints must verify with: an auditor needs only the public half
 * (`CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE`, a JWK or a JWKS of current and earlier keys); otherwise the
 * platform's gateway key (`CITYGRAPH_GATEWAY_KEY_FILE`, or the development key).
 */
async function gatewayPublicKeys(): Promise<JWK[]> {
  return checkpointKeysFromEnv() ?? [(await securityFromEnv()).gatewayKeys.publicJwk];
}

/** The sinks named by --anchors, else the configured ones. */
function anchorSinks(specs: readonly string[] | undefined, governanceUrl: string): AnchorSink[] {
  if (specs?.length) return specs.map((spec) => openAnchorSink(spec));
  return anchorSinksOf(anchorConfigFromEnv(defaultAnchorFile(governanceUrl)));
}

async function verify(pool: pg.Pool, governanceUrl: string, options: { anchors?: string[]; json: boolean }): Promise<void> {
  const keys = await gatewayPublicKeys();
  const sinks = anchorSinks(options.anchors, governanceUrl);
  const total = await countLedgerEntries(pool, {});
  const bar = !options.json && total >= PROGRESS_THRESHOLD ? createProgressBar({ total, label: "verify" }) : undefined;
  let result: Awaited<ReturnType<typeof verifyLedger>>;
  try {
    result = await verifyLedger(pool, keys, { anchors: sinks, onProgress: (done) => bar?.update(done) });
  } finally {
    for (const sink of sinks) await sink.close().catch(() => undefined);
  }
  bar?.finish(result.entries);
  if (options.json) {
    console.log(JSON.stringify(result, null, 2));
    if (!result.ok) process.exitCode = 1;
    return;
  }
  for (const warning of result.warnings) console.error(`warning: ${warning}`);
  const head = result.head ? `head ${result.head.hash} (seq ${result.head.seq})` : "head (genesis)";
  const checkpoint = result.checkpoint
    ? `last checkpoint seq ${result.checkpoint.seq} signed ${result.checkpoint.signedAt}`
    : "no checkpoint yet";
  const anchored = result.anchors.map((a) => `${a.anchors} anchors in ${a.source}${a.latest ? ` (latest seq ${a.latest.seq})` : ""}`);
  if (!result.ok) {
    const lines = result.breaks.map((b) => `  ${b.kind.padEnd(18)} seq ${b.lastSeq ? `${b.seq}..${b.lastSeq}` : b.seq}: ${b.reason}`);
    const unlisted = result.breakCount - result.breaks.length;
    throw new StartupError(
      `ledger BROKEN: ${result.breakCount} break${result.breakCount === 1 ? "" : "s"} in ${result.entries} entries (${head})\n` +
        lines.join("\n") +
        (unlisted > 0 ? `\n  … and ${unlisted} more (use --json)` : ""),
    );
  }
  console.log(`ledger intact: ${result.entries} entries, ${head}, ${checkpoint}${anchored.length ? `, ${anchored.join(", ")}` : ""}`);
  const anchoredSeq = [result.checkpoint?.seq, ...result.anchors.map((a) => a.latest?.seq)]
    .filter((seq): seq is string => seq !== undefined)
    .reduce<bigint | undefined>((max, seq) => (max === undefined || BigInt(seq) > max ? BigInt(seq) : max), undefined);
  if (result.head && (anchoredSeq === undefined || anchoredSeq < BigInt(result.head.seq))) {
    const after = BigInt(result.head.seq) - (anchoredSeq ?? 0n);
    console.error(`note: ${after} entries follow the last checkpoint or anchor; removing them could not be detected by this verify`);
  }
  if (result.anchors.length === 0) {
    console.error("note: no anchors were checked; a superuser could remove the tail together with its checkpoints (pass --anchors)");
  }
}

async function acknowledge(pool: pg.Pool, url: string, who: { operator: string; reason: string }): Promise<void> {
  const security = await securityFromEnv();
  const result = await acknowledgeLedgerBreak({
    pool,
    url,
    ...who,
    signingKey: security.gatewayKeys.privateJwk,
    sinks: anchorSinksOf(anchorConfigFromEnv(defaultAnchorFile(url))),
    log: createLogger({ service: "cli" }, "warn"),
  });
  if (result.compromise) {
    const { expected, kind } = result.compromise;
    console.log(`the chain does not extend the latest anchor (seq ${expected.seq}, hash ${expected.hash}): ${kind}`);
  } else if (result.anchored) {
    console.log(`the chain extends the latest anchor (seq ${result.anchored.seq}); nothing was broken there`);
  }
  console.log(`acknowledged by ${who.operator} in entry ${result.seq} (request id ${result.requestId}); gateways resume personal data`);
}

async function exportEntries(
  pool: pg.Pool,
  options: { from: Date; to: Date; format: "jsonl" | "csv"; out?: string },
): Promise<void> {
  const total = await countLedgerEntries(pool, options);
  const bar = total >= PROGRESS_THRESHOLD ? createProgressBar({ total, label: "export" }) : undefined;
  const stream: NodeJS.WritableStream = options.out ? createWriteStream(options.out, { flags: "wx" }) : process.stdout;
  if (options.out) {
    await once(stream, "open").catch((error: NodeJS.ErrnoException) => {
      throw new StartupError(
        error.code === "EEXIST" ? `${options.out} exists; choose another --out (exports never overwrite).` : `Cannot write ${options.out}: ${error.message}`,
      );
    });
  }
  const write = async (text: string) => {
    if (!stream.write(text)) await once(stream, "drain");
  };
  let count = 0;
  let first: string | undefined;
  let last: string | undefined;
  try {
    if (options.format === "csv") await write(ledgerCsvHeader());
    for await (const record of readLedger(pool, options)) {
      await write(options.format === "csv" ? ledgerCsvLine(record) : `${record.body}\n`);
      first ??= record.seq;
      last = record.seq;
      count++;
      if (bar && count % 1_000 === 0) bar.update(count);
    }
  } finally {
    if (options.out) {
      stream.end();
      await once(stream, "finish");
    }
  }
  bar?.finish(count);
  const where = options.out ? ` to ${options.out}` : "";
  const span = first ? ` (seq ${first}..${last})` : "";
  console.error(`exported ${count} entries${span}${where} as ${options.format}`);
}
