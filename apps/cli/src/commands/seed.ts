import { createLogger } from "@citygraph/core";
import { databaseModeFromEnv, migrateAll, openDatabases, seedAll, seedTotals } from "@citygraph/platform";
import { createProgressBar, formatCount } from "../progress.ts";

/** `citygraph seed [--scale N] [--reset]`: deterministic synthetic data, resumable, with progress. */
export async function seedCommand(args: { scale: number; reset: boolean }): Promise<void> {
  const log = createLogger({ service: "cli" }, "warn");
  const databases = await openDatabases(databaseModeFromEnv(), log);
  try {
    await migrateAll(databases.urls);
    const totals = await seedTotals(args.scale);
    const total = Object.values(totals).reduce((a, b) => a + b, 0);
    const bar = createProgressBar({ total, label: `seed ×${args.scale}` });
    const done = new Map<string, number>();
    let written = 0;
    const result = await seedAll(databases.urls, {
      scale: args.scale,
      reset: args.reset,
      onProgress: (p) => {
        done.set(p.table, p.done);
        written = [...done.values()].reduce((a, b) => a + b, 0);
        bar.update(written, p.phase === "indexes" ? `${p.table}: building indexes` : p.table);
      },
    });
    bar.finish(written);
    const seconds = result.elapsedMs / 1000;
    console.log(
      `Seeded ${formatCount(result.rowsWritten)} rows at scale ${args.scale} in ${seconds.toFixed(1)} s ` +
        `(${formatCount(result.rowsWritten / Math.max(seconds, 0.001))} rows/s).` +
        (result.rowsWritten === 0 ? " Everything was already seeded at this scale." : ""),
    );
  } finally {
    await databases.stop();
  }
}
