import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import type pg from "pg";
import type { JWK } from "jose";
import { StartupError, createLogger, createPgPool, readJwkFile } from "@citygraph/core";
import { databaseModeFromEnv, openDatabases, publicJwkOf, securityFromEnv } from "@citygraph/platform";
import {
  countLedgerEntries,
  ledgerCsvHeader,
  ledgerCsvLine,
  readLedger,
  verifyLedger,
} from "../../../../gateway/src/ledger/index.ts";
import { createProgressBar } from "../progress.ts";

export const AUDIT_USAGE = `citygraph audit <subcommand> [options]   (the tamper-evident access ledger, in the governance database)

  verify                 walk the hash chain and check every signed checkpoint; exit 1 naming the first
                         broken entry. Gateway public key: $CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE (a JWK, or a
                         JWKS listing rotated keys), else the platform's gateway key
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
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [subcommand, ...extra] = positionals;
  if (values.help || !subcommand) {
    console.log(AUDIT_USAGE);
    return;
  }
  if (extra.length) throw new StartupError(`Unexpected arguments: ${extra.join(" ")}\n\n${AUDIT_USAGE}`);
  switch (subcommand) {
    case "verify":
      return withGovernancePool((pool) => verify(pool));
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
async function withGovernancePool(work: (pool: pg.Pool) => Promise<void>): Promise<void> {
  const log = createLogger({ service: "cli" }, "warn");
  const databases = await openDatabases(databaseModeFromEnv(), log);
  const pool = createPgPool({ connectionString: databases.urls.governance, max: 2 });
  try {
    await work(pool);
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
  const file = process.env.CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE;
  if (file) {
    const read = readJwkFile(file);
    return (read.keys ?? [read]).map((key) => publicJwkOf(key));
  }
  return [(await securityFromEnv()).gatewayKeys.publicJwk];
}

async function verify(pool: pg.Pool): Promise<void> {
  const keys = await gatewayPublicKeys();
  const total = await countLedgerEntries(pool, {});
  const bar = total >= PROGRESS_THRESHOLD ? createProgressBar({ total, label: "verify" }) : undefined;
  const result = await verifyLedger(pool, keys, { onProgress: (done) => bar?.update(done) });
  bar?.finish(result.entries);
  if (!result.ok) {
    const broken = result.firstBroken!;
    throw new StartupError(
      `ledger BROKEN at seq ${broken.seq}: ${broken.reason}` +
        ` (${result.entries} entries before it intact${result.head ? `, up to seq ${result.head.seq}` : ""})`,
    );
  }
  const head = result.head ? `head ${result.head.hash} (seq ${result.head.seq})` : "head (genesis)";
  const checkpoint = result.checkpoint
    ? `last checkpoint seq ${result.checkpoint.seq} signed ${result.checkpoint.signedAt}`
    : "no checkpoint yet";
  console.log(`ledger intact: ${result.entries} entries, ${head}, ${checkpoint}`);
  if (result.checkpoint && result.head && result.checkpoint.seq !== result.head.seq) {
    const after = BigInt(result.head.seq) - BigInt(result.checkpoint.seq);
    console.error(
      `note: ${after} entries follow the last checkpoint; removing them could not be detected until the next checkpoint`,
    );
  }
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
