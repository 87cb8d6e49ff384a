import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { open, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { probeLedger, type Logger } from "@citygraph/core";
import type { LedgerEntryInput } from "./entry.ts";
import type { Ledger } from "./writer.ts";

/** Options of {@link createLedgerSpool}. */
export interface LedgerSpoolOptions {
  /** The ledger entries are written to. */
  ledger: Ledger;
  /** The append-only spool file (its directory is created, mode 700; the file is mode 600). */
  path: string;
  /** Largest size the spool may reach, bytes. Default 67 108 864 (64 MiB); beyond it entries are dropped, counted and logged. */
  maxBytes?: number;
  /** How often a spool holding entries is replayed into the ledger, ms. Default 5 000. */
  replayIntervalMs?: number;
  log: Logger;
}

/** What the spool holds and has done, for `/metrics` and tests. */
export interface LedgerSpoolStats {
  /** Entries waiting in the spool. */
  entries: number;
  /** Bytes the spool file holds. */
  bytes: number;
  /** Entries written back into the ledger since start. */
  replayed: number;
  /** Entries lost because the spool was full (each logged at error level). */
  dropped: number;
}

/** Keeps entries without personal data when the ledger cannot take them; see {@link createLedgerSpool}. */
export interface LedgerSpool {
  /**
   * Records an entry that carries no personal data (its response is already sent): in the ledger,
   * or, while the ledger cannot be written, in the spool, to be replayed. Never rejects.
   */
  keep(entry: LedgerEntryInput): void;
  /** Writes what waits in the spool into the ledger now (the timer does this too). */
  replay(): Promise<void>;
  /** Resolves once every `keep` so far is in the ledger or on disk. */
  settled(): Promise<void>;
  stats(): LedgerSpoolStats;
  close(): Promise<void>;
}

/**
 * A durable local spool for ledger entries that must not be lost while the governance database
 * is unreachable: entries whose response went out already (public and internal reads, refusals).
 * Personal data never waits here: it keeps failing closed (LEDGER_UNAVAILABLE) until the entry is
 * committed. Each entry is appended as one JSON line and fsync'd before `keep` counts it kept.
 * Replay first appends the oldest entry alone (while the ledger is down, the file stays as it is);
 * once that commits it renames the file aside (`<path>.replaying`), so new entries go to a fresh
 * file, appends the rest in order, and deletes it — an entry that fails again goes back to the
 * spool. A crash in the middle of a replay replays that file again at the next start:
 * at least once, so an entry may then appear twice, under the same request id. No library fitted:
 * this is an fsync'd append-only file and a rename, tied to the ledger writer's own retries.
 */
export function createLedgerSpool(options: LedgerSpoolOptions): LedgerSpool {
  const { ledger, path, log } = options;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const replayIntervalMs = options.replayIntervalMs ?? 5_000;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1024) throw new Error("The ledger spool's maxBytes must be a whole number of at least 1024 bytes.");
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const replaying = `${path}.replaying`;
  const stats: LedgerSpoolStats = {
    entries: existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).length : 0,
    bytes: existsSync(path) ? statSync(path).size : 0,
    replayed: 0,
    dropped: 0,
  };
  // Lines already on disk from an earlier run count as waiting entries.
  let waitingOnDisk = existsSync(path) || existsSync(replaying);
  let handle: FileHandle | undefined;
  /** Writes to the file, one after another (appends and the rename must not interleave). */
  let writes: Promise<void> = Promise.resolve();
  const inFlight = new Set<Promise<void>>();
  let replayRun: Promise<void> | undefined;
  let warned = false;

  const serially = (task: () => Promise<void>): Promise<void> => {
    const run = writes.then(task, task);
    writes = run.catch(() => undefined);
    return run;
  };

  const spool = (entry: LedgerEntryInput, cause: unknown): Promise<void> =>
    serially(async () => {
      const line = `${JSON.stringify(entry)}\n`;
      const size = Buffer.byteLength(line);
      if (stats.bytes + size > maxBytes) {
        stats.dropped++;
        log.error("ledger spool full: an entry without personal data is lost", { requestId: entry.requestId, spoolBytes: stats.bytes, maxBytes });
        return;
      }
      handle ??= await open(path, "a", 0o600);
      await handle.appendFile(line);
      await handle.datasync();
      stats.bytes += size;
      stats.entries++;
      waitingOnDisk = true;
      if (!warned) {
        warned = true;
        log.error("ledger unavailable: spooling entries without personal data to disk until it returns", { path, error: String(cause) });
      }
    });

  const keep = (entry: LedgerEntryInput): void => {
    const kept = ledger.append(entry).catch((cause: unknown) => spool(entry, cause));
    const tracked = kept.catch((error: unknown) => {
      log.error("ledger spool write failed: an entry without personal data is lost", { requestId: entry.requestId, error: String(error) });
    });
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };

  const readEntries = async (file: string): Promise<LedgerEntryInput[]> => {
    const text = await readFile(file, "utf8").catch(() => "");
    const entries: LedgerEntryInput[] = [];
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        entries.push(JSON.parse(line) as LedgerEntryInput);
      } catch {
        // A torn last line from a crash mid-append: its entry was never counted as kept.
        log.warn("ledger spool: skipped a partial line", { file });
      }
    }
    return entries;
  };

  /** Appends `entries` (in order: the writer commits in append order), re-spooling any that fail. */
  const replayEntries = async (entries: LedgerEntryInput[]): Promise<void> => {
    const results = await Promise.allSettled(entries.map((entry) => ledger.append(entry)));
    const failed = entries.filter((_, i) => results[i]!.status === "rejected");
    for (const entry of failed) await spool(entry, "replay failed");
    stats.replayed += entries.length - failed.length;
  };

  const replay = (): Promise<void> => {
    if (replayRun) return replayRun;
    if (!waitingOnDisk) return Promise.resolve();
    replayRun = (async () => {
      // A replay that a crash interrupted goes first (at least once: see above).
      if (existsSync(replaying)) {
        await replayEntries(await readEntries(replaying));
        await unlink(replaying);
      }
      const waiting = await readEntries(path);
      if (waiting.length === 0) {
        waitingOnDisk = existsSync(path) && stats.entries > 0;
        return;
      }
      // Probe with the oldest entry: while the ledger is still down, the file stays as it is.
      await ledger.append(waiting[0]!);
      let moved = false;
      await serially(async () => {
        await handle?.close();
        handle = undefined;
        await rename(path, replaying);
        stats.entries = 0;
        stats.bytes = 0;
        waitingOnDisk = false;
        warned = false;
        moved = true;
      });
      if (!moved) return;
      // Entries appended between the read above and the rename are in the moved file too.
      const moving = await readEntries(replaying);
      stats.replayed++;
      await replayEntries(moving.slice(1));
      await unlink(replaying);
      log.info("ledger spool replayed", { entries: moving.length });
    })()
      .catch((error: unknown) => {
        waitingOnDisk = true;
        log.warn("ledger spool: the ledger is still unavailable; will retry", { error: String(error) });
      })
      .finally(() => {
        replayRun = undefined;
      });
    return replayRun;
  };

  const timer = setInterval(() => void replay(), replayIntervalMs);
  timer.unref();
  const unprobe = probeLedger({ state: "spool_bytes" }, () => stats.bytes);

  return {
    keep,
    replay,
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await writes;
    },
    stats: () => ({ ...stats }),
    close: async () => {
      clearInterval(timer);
      unprobe();
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await replayRun;
      await writes;
      await handle?.close();
      handle = undefined;
    },
  };
}
