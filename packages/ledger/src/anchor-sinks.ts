import type { AnchorConfig } from "@citygraph/core";
import type { AnchorSink } from "./anchor.ts";
import { createFileAnchorSink } from "./anchor-file.ts";
import { createPostgresAnchorSink } from "./anchor-postgres.ts";

/** A sink named on the command line: a postgresql:// URL, else a file path. */
export function openAnchorSink(spec: string): AnchorSink {
  if (/^postgres(ql)?:\/\//.test(spec)) return createPostgresAnchorSink(spec);
  return createFileAnchorSink({ path: spec });
}

/** The anchor sinks a configuration names (none when it names none). */
export function anchorSinksOf(config: AnchorConfig | undefined): AnchorSink[] {
  return [
    ...(config?.file ? [createFileAnchorSink({ path: config.file, maxBytes: config.fileMaxBytes })] : []),
    ...(config?.databaseUrl ? [createPostgresAnchorSink(config.databaseUrl)] : []),
  ];
}
