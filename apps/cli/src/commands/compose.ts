import { compose, staleFiles, writeComposition } from "@citygraph/platform";

/** `citygraph compose [--check]`: prints each subgraph's SDL and composes the supergraph. */
export async function composeCommand(args: { check: boolean }): Promise<void> {
  const composition = await compose();
  if (args.check) {
    const stale = staleFiles(composition);
    if (stale.length) {
      console.error(`Stale generated schema files:\n${stale.map((f) => `  ${f}`).join("\n")}\nRun "citygraph compose".`);
      process.exitCode = 1;
    } else {
      console.log("Subgraph SDLs and the supergraph are up to date.");
    }
    return;
  }
  const changed = writeComposition(composition);
  console.log(changed.length ? `Wrote ${changed.join(", ")}` : "Subgraph SDLs and the supergraph were already up to date.");
}
