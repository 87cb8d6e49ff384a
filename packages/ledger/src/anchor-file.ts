import { createReadStream } from "node:fs";
import { mkdir, open, readdir, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { createInterface } from "node:readline";
import { parseAnchor, type AnchorRecord, type AnchorSink, type LedgerAnchor } from "./anchor.ts";

/** Options of {@link createFileAnchorSink}. */
export interface FileAnchorSinkOptions {
  /** The first segment's path; later segments are `<path>.1`, `<path>.2`, … Put it on its own volume. */
  path: string;
  /** A segment reaching this size (bytes) is closed for good and the next one begun. Default 64 MiB. */
  maxBytes?: number;
}

/**
 * A local append-only anchor file: JSON Lines, opened `O_APPEND` and fsync'd after each batch,
 * rotated by size into numbered segments that are never renamed, truncated or rewritten (mount
 * the folder on storage the database's administrators cannot write, or make the files
 * append-only with `chattr +a`). A line cut short by a crash is tolerated: the next append starts
 * on a fresh line, and `read` reports the fragment as damaged rather than skipping it silently.
 * Written by hand: no maintained npm package offers an fsync'd, rotating, append-only JSONL log
 * (pino's transports rotate by renaming, which this file must never do).
 */
export function createFileAnchorSink(options: FileAnchorSinkOptions): AnchorSink {
  const path = options.path;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  if (!path) throw new TypeError("The anchor file needs a path.");
  if (!Number.isInteger(maxBytes) || maxBytes < 1024) throw new TypeError("The anchor file's maxBytes must be a whole number >= 1024.");
  const dir = dirname(path);
  const base = basename(path);
  const segmentPath = (n: number) => (n === 0 ? path : `${path}.${n}`);

  async function segments(): Promise<number[]> {
    const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [] as string[];
      throw error;
    });
    const found: number[] = [];
    for (const name of names) {
      if (name === base) found.push(0);
      else if (name.startsWith(`${base}.`) && /^[1-9][0-9]*$/.test(name.slice(base.length + 1))) {
        found.push(Number(name.slice(base.length + 1)));
      }
    }
    return found.sort((a, b) => a - b);
  }

  /** Whether a file is empty or ends with a newline (else its last line is a crash's fragment). */
  async function endsCleanly(file: string): Promise<boolean> {
    const handle = await open(file, "r");
    try {
      const { size } = await handle.stat();
      if (size === 0) return true;
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, size - 1);
      return byte[0] === 0x0a;
    } finally {
      await handle.close();
    }
  }

  let current: { handle: FileHandle; segment: number; size: number; clean: boolean } | undefined;
  let chain: Promise<void> = Promise.resolve();

  async function writable(): Promise<NonNullable<typeof current>> {
    if (current && current.size < maxBytes) return current;
    let segment: number;
    if (current) {
      segment = current.segment + 1;
      await current.handle.close();
      current = undefined;
    } else {
      await mkdir(dir, { recursive: true });
      segment = (await segments()).at(-1) ?? 0;
    }
    for (;;) {
      const file = segmentPath(segment);
      const size = await stat(file).then((s) => s.size, () => 0);
      if (size >= maxBytes) {
        segment++;
        continue;
      }
      const clean = size === 0 || (await endsCleanly(file));
      // "a": O_APPEND|O_CREAT — every write lands at the end, whatever the offset.
      current = { handle: await open(file, "a", 0o640), segment, size, clean };
      return current;
    }
  }

  return {
    name: path,
    append(anchors) {
      const run = chain.then(async () => {
        if (anchors.length === 0) return;
        const target = await writable();
        const lines = anchors.map((a) => JSON.stringify({ seq: a.seq, hash: a.hash, signedAt: a.signedAt, signature: a.signature })).join("\n");
        const text = `${target.clean ? "" : "\n"}${lines}\n`;
        await target.handle.appendFile(text, "utf8");
        await target.handle.datasync();
        target.size += Buffer.byteLength(text);
        target.clean = true;
      });
      chain = run.catch(() => undefined);
      return run;
    },
    async *read(): AsyncIterable<AnchorRecord> {
      for (const segment of await segments()) {
        const file = segmentPath(segment);
        const clean = await endsCleanly(file);
        const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
        let lineNumber = 0;
        let pending: { text: string; line: number } | undefined;
        const judge = (text: string, line: number, last: boolean): AnchorRecord | undefined => {
          const parsed = parseAnchor(text);
          if (typeof parsed !== "string") return { kind: "anchor", anchor: parsed };
          const where = `${file}:${line}`;
          if (last && !clean) return { kind: "damaged", where, problem: "a partial last line (an append cut short by a crash)" };
          return { kind: "damaged", where, problem: text.trim() === "" ? "an empty line" : parsed };
        };
        for await (const text of lines) {
          lineNumber++;
          // Hold one line back: only the last line of a segment may be a crash's fragment.
          if (pending) {
            const record = judge(pending.text, pending.line, false);
            if (record) yield record;
          }
          pending = { text, line: lineNumber };
        }
        if (pending) {
          const record = judge(pending.text, pending.line, true);
          if (record) yield record;
        }
      }
    },
    async latest() {
      // The newest non-empty segment holds the latest anchor; each is bounded by maxBytes.
      for (const segment of (await segments()).reverse()) {
        let best: LedgerAnchor | undefined;
        const lines = createInterface({ input: createReadStream(segmentPath(segment), { encoding: "utf8" }), crlfDelay: Infinity });
        for await (const text of lines) {
          const parsed = parseAnchor(text);
          if (typeof parsed !== "string" && (!best || BigInt(parsed.seq) >= BigInt(best.seq))) best = parsed;
        }
        if (best) return best;
      }
      return undefined;
    },
    async close() {
      await chain;
      await current?.handle.close();
      current = undefined;
    },
  };
}
