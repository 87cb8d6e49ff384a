import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { REPO_ROOT } from "@citygraph/platform";

/** What one `citygraph` command did: its exit code and what it printed, apart and together. */
export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

/**
 * Runs `citygraph <args>` to its end, with this process's environment less every DATABASE_URL*
 * (so a command sees only the databases `env` names) and the operations port off. A command that
 * hangs instead of ending is a defect of its own: it is killed after 120 s and the test fails with
 * what it printed, rather than leaving the runner's timeout to say nothing.
 */
export async function runCitygraph(args: string[], env: Record<string, string>): Promise<CommandRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("DATABASE_URL")));
  const child = spawn(process.execPath, ["bin/citygraph.mjs", ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, CITYGRAPH_OPS_PORT: "off", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run = { stdout: "", stderr: "", output: "" };
  child.stdout.on("data", (chunk: Buffer) => {
    run.stdout += chunk.toString();
    run.output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    run.stderr += chunk.toString();
    run.output += chunk.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  assert.ok(child.signalCode !== "SIGKILL", `citygraph ${args.join(" ")} did not end within 120 s; it printed:\n${run.output}`);
  return { code, ...run };
}
