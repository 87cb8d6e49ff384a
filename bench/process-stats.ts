/**
 * CPU time and memory of a process and its descendants, read from Linux's /proc: what a gateway
 * under test spent, whatever runtime it is (Node's own `process.cpuUsage()` would need the
 * gateway's cooperation, and Hive's or Apollo's do not offer it).
 */
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";

/** What {@link processTreeStats} reads. */
export interface ProcessStats {
  /** User plus system CPU time of every live process of the tree and of the children they reaped, milliseconds. */
  cpuMs: number;
  /** Resident memory now, bytes, summed over the tree. */
  rssBytes: number;
  /** Largest resident memory each process reached (VmHWM), bytes, summed over the tree. */
  peakRssBytes: number;
}

// Clock ticks per second of /proc's CPU fields: 100 on every Linux of the last decades, but asked.
let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The fields after `(comm)` of /proc/<pid>/stat (comm may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // gone
  }
}

/** `pid` and every live descendant of it. */
function tree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (!fields) continue;
    const parent = Number(fields[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const all: number[] = [];
  const visit = (p: number) => {
    all.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return all;
}

function statusKb(pid: number, key: string): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The command line of `pid`, arguments joined by spaces; empty when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** `pid` and its live descendants whose command line `matches`. */
export function descendantsMatching(pid: number, matches: (commandLine: string) => boolean): number[] {
  try {
    return tree(pid).filter((p) => matches(commandLine(p)));
  } catch {
    return [];
  }
}

/** CPU time and memory of `pid` and its descendants; zeros where /proc does not exist. */
export function processTreeStats(pid: number): ProcessStats {
  let pids: number[];
  try {
    pids = tree(pid);
  } catch {
    return { cpuMs: 0, rssBytes: 0, peakRssBytes: 0 };
  }
  return processesStats(pids);
}

/** CPU time and memory of exactly these processes (not their descendants), summed. */
export function processesStats(pids: number[]): ProcessStats {
  let ticks = 0;
  let rssKb = 0;
  let peakKb = 0;
  for (const p of pids) {
    const fields = statFields(p);
    if (!fields) continue;
    // Fields 14-17 of stat(5), utime, stime, cutime and cstime: indexes 11-14 after comm. The
    // last two hold the CPU of children that exited and were waited for (PostgreSQL's backends of
    // closed connections), so a reading's difference also counts work of processes gone since.
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    rssKb += statusKb(p, "VmRSS");
    peakKb += statusKb(p, "VmHWM");
  }
  return { cpuMs: (ticks * 1000) / clockTicks(), rssBytes: rssKb * 1024, peakRssBytes: peakKb * 1024 };
}
