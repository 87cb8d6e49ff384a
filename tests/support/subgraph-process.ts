import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@citygraph/platform";
import { deriveSubgraphTokenKey, subgraphTokenKeyJwk, type SubgraphName } from "@citygraph/core";
import { testSecurity } from "./security.ts";

/** A subgraph running as its own operating-system process (`citygraph serve <name>`). */
export interface SubgraphProcess {
  child: ChildProcess;
  /** Its GraphQL endpoint. */
  url: string;
  /** Kills it (SIGKILL, after SIGCONT if it was stopped) and waits for it to exit. */
  kill(): Promise<void>;
}

/**
 * Starts `citygraph serve <name>` on a free port against `databaseUrl`, holding its own token key
 * for this test file's gateway key, and resolves once it logs that it listens.
 */
export async function spawnSubgraph(name: SubgraphName, databaseUrl: string): Promise<SubgraphProcess> {
  const { gatewayKeys } = await testSecurity();
  const dir = mkdtempSync(join(tmpdir(), "citygraph-subgraph-"));
  // The subgraph's own token key, as `citygraph token-key <name>` prints it for this test's gateway key.
  const keyFile = join(dir, `${name}.jwk`);
  writeFileSync(keyFile, JSON.stringify(subgraphTokenKeyJwk(deriveSubgraphTokenKey(gatewayKeys.privateJwk, name), name)));
  const child = spawn(process.execPath, ["bin/citygraph.mjs", "serve", name], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      [`${name.toUpperCase()}_PORT`]: "0",
      CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE: keyFile,
      // Given its key file, a subgraph counts as production and needs its cursor key.
      CITYGRAPH_CURSOR_KEY: `test cursor key for ${name}, at least thirty-two characters`,
      LOG_LEVEL: "info",
      // Its own operations port would be 9401.., shared by every test file that spawns this subgraph.
      CITYGRAPH_OPS_PORT: "off",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => rmSync(dir, { recursive: true, force: true }));
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not listen within 60 s:\n${output}`)), 60_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      // One JSON line per event; field order depends on the logger.
      const line = output.split("\n").find((l) => l.includes('"message":"listening"'));
      const match = line ? /"url":"([^"]+)"/.exec(line) : null;
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    child,
    url,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill("SIGKILL");
      }
      await exited;
    },
  };
}
