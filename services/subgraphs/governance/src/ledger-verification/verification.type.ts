import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Classified } from "@citygraph/core";

/**
 * The auditor's on-request verification of the access ledger (the console's Verify page). Like the
 * ledger's own types, these hold sequence numbers, hashes and reasons — never a value that was
 * read — so every field is PUBLIC; the queries that reach them require `audit:read`.
 */

/** Where a verification run stands. */
export enum LedgerVerificationStatus {
  RUNNING = "RUNNING",
  INTACT = "INTACT",
  BROKEN = "BROKEN",
  FAILED = "FAILED",
  INTERRUPTED = "INTERRUPTED",
}
registerEnumType(LedgerVerificationStatus, {
  name: "LedgerVerificationStatus",
  description: "Where a verification of the access ledger stands.",
  valuesConfig: {
    RUNNING: { description: "Walking the chain; `entriesChecked` grows." },
    INTACT: { description: "Every entry, checkpoint and anchor checked out." },
    BROKEN: { description: "Breaks were found: see `breaks`." },
    FAILED: {
      description: "It could not finish (`failure` says why); nothing is known of the chain from it.",
    },
    INTERRUPTED: { description: "The process running it stopped before it finished; start another." },
  },
});

@ObjectType({ description: "One break a verification found: what kind of tampering, where, and why." })
export class LedgerBreakReport {
  @Classified("PUBLIC")
  @Field(() => String, {
    description:
      "edited, deleted, inserted, reordered, truncated, contradicts-anchor, bad-signature or damaged-anchor (README § Ledger).",
  })
  kind!: string;

  @Classified("PUBLIC")
  @Field(() => ID, { description: "The (first) seq concerned." })
  seq!: string;

  @Classified("PUBLIC")
  @Field(() => ID, {
    nullable: true,
    description: "The last seq of a range (deleted or inserted entries, contradicted anchors).",
  })
  lastSeq!: string | null;

  @Classified("PUBLIC")
  @Field(() => String)
  reason!: string;
}

@ObjectType({ description: "What a verification found in one anchor sink." })
export class AnchorSinkReport {
  @Classified("PUBLIC")
  @Field(() => String, { description: "The sink: a file path, or a database URL without its password." })
  source!: string;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Anchors whose signature verified." })
  anchors!: number;

  @Classified("PUBLIC")
  @Field(() => ID, { nullable: true, description: "The seq of the latest of them." })
  latestSeq!: string | null;
}

@ObjectType({
  description: "One verification of the access ledger an auditor started, with its progress or its findings.",
})
export class LedgerVerificationRun {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: string;

  @Classified("PUBLIC")
  @Field(() => LedgerVerificationStatus)
  status!: LedgerVerificationStatus;

  @Classified("PUBLIC")
  @Field(() => String, { description: "Who started it (the identity provider's subject)." })
  requestedBy!: string;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime)
  startedAt!: Date;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime, { nullable: true })
  finishedAt!: Date | null;

  @Classified("PUBLIC")
  @Field(() => Float, {
    description: "Entries in the chain when it started: what `entriesChecked` goes towards.",
  })
  totalEntries!: number;

  @Classified("PUBLIC")
  @Field(() => Float, { description: "Entries walked so far (all of them, once finished)." })
  entriesChecked!: number;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Breaks found, including any beyond those listed." })
  breakCount!: number;

  @Classified("PUBLIC")
  @Field(() => [LedgerBreakReport], { description: "The breaks found (the first 1 000), in seq order." })
  breaks!: LedgerBreakReport[];

  @Classified("PUBLIC")
  @Field(() => [AnchorSinkReport], {
    description: "Each anchor sink checked; empty when none is configured.",
  })
  anchors!: AnchorSinkReport[];

  @Classified("PUBLIC")
  @Field(() => [String], {
    description: "What is worth knowing but is no break (a crash's partial line in an anchor file).",
  })
  warnings!: string[];

  @Classified("PUBLIC")
  @Field(() => ID, { nullable: true, description: "The chain's last entry when it finished." })
  headSeq!: string | null;

  @Classified("PUBLIC")
  @Field(() => ID, { nullable: true, description: "The latest checkpoint whose signature verified." })
  checkpointSeq!: string | null;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "Why it could not finish (FAILED)." })
  failure!: string | null;
}

@ObjectType({
  description:
    "The access ledger's integrity at a glance: its head, its latest signed checkpoint, its latest verification.",
})
export class LedgerIntegrity {
  @Classified("PUBLIC")
  @Field(() => ID, {
    nullable: true,
    description: "The last entry's seq (entries are numbered 1, 2, … without gaps); null while empty.",
  })
  headSeq!: string | null;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true })
  headHash!: string | null;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime, { nullable: true })
  headAt!: Date | null;

  @Classified("PUBLIC")
  @Field(() => ID, {
    nullable: true,
    description: "The latest signed checkpoint's seq (not yet verified: run a verification for that).",
  })
  checkpointSeq!: string | null;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime, { nullable: true })
  checkpointAt!: Date | null;

  @Classified("PUBLIC")
  @Field(() => Boolean, {
    description:
      "Whether this deployment can verify on request (the governance subgraph holds the gateway's public key).",
  })
  verifiable!: boolean;

  @Classified("PUBLIC")
  @Field(() => [String], { description: "The anchor sinks a verification checks." })
  anchorSinks!: string[];

  @Classified("PUBLIC")
  @Field(() => LedgerVerificationRun, {
    nullable: true,
    description: "The newest verification, running or finished.",
  })
  lastVerification!: LedgerVerificationRun | null;
}
