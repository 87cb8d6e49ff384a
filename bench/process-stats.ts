/**
 * CPU time and memory of a process and its descendants, read from Linux's /proc: what a gateway
 * under test spent, whatever runtime it is (Node's own `process.cpuUsage()` would need the
 * gateway's cooperation, and Hive's or Apollo's do not offer it).
 */
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";

/** What {@link processTreeStats} reads. */
export interface ProcessStats {
  /** User plus system CPU time of every live process of the tree, milliseconds. */
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

/** CPU time and memory of `pid` and its descendants; zeros where /proc does not exist. */
export function processTreeStats(pid: number): ProcessStats {
  let ticks = 0;
  let rssKb = 0;
  let peakKb = 0;
  let pids: number[];
  try {
    pids = tree(pid);
  } catch {
    return { cpuMs: 0, rssBytes: 0, peakRssBytes: 0 };
  }
  for (const p of pids) {
    const fields = statFields(p);
    if (!fields) continue;
    // Fields 14 and 15 of stat(5), utime and stime: indexes 11 and 12 after comm.
    ticks += Number(fields[11]) + Number(fields[12]);
    rssKb += statusKb(p, "VmRSS");
    peakKb += statusKb(p, "VmHWM");
  }
  return { cpuMs: (ticks * 1000) / clockTicks(), rssBytes: rssKb * 1024, peakRssBytes: peakKb * 1024 };
}
