import { GraphQLError } from "graphql";
import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { ErrorCode, Restricted, clientError } from "@citygraph/core";
import { AUDIT_READ } from "../ledger/ledger.resolver.ts";
import { assertUuid } from "../ledger/ledger.arguments.ts";
import type { GovernanceContext } from "../context.ts";
import { LedgerIntegrity, LedgerVerificationRun } from "./verification.type.ts";
import { toVerificationRun } from "./verification.view.ts";

@Resolver()
export class LedgerVerificationResolver {
  @Restricted(AUDIT_READ)
  @Query(() => LedgerIntegrity, {
    description:
      "The access ledger's head, latest signed checkpoint and latest verification, for the auditor's overview. Requires audit:read.",
  })
  async ledgerIntegrity(@Ctx() context: GovernanceContext): Promise<LedgerIntegrity> {
    const { repository, runner } = context.verification;
    const [{ head, checkpoint }, latest] = await Promise.all([repository.heads(), repository.latest()]);
    return {
      headSeq: head ? String(head.seq) : null,
      headHash: head?.hash ?? null,
      headAt: head?.createdAt ?? null,
      checkpointSeq: checkpoint ? String(checkpoint.seq) : null,
      checkpointAt: checkpoint?.signedAt ?? null,
      verifiable: runner.available,
      anchorSinks: [...runner.sinkNames],
      lastVerification: latest ? toVerificationRun(latest, new Date()) : null,
    };
  }

  @Restricted(AUDIT_READ)
  @Query(() => LedgerVerificationRun, {
    nullable: true,
    description:
      "One verification run (its progress while RUNNING); null when there is none with this id. Requires audit:read.",
  })
  async ledgerVerification(
    @Arg("id", () => ID) id: string,
    @Ctx() context: GovernanceContext,
  ): Promise<LedgerVerificationRun | null> {
    const row = await context.verification.repository.findById(assertUuid("id", id));
    return row ? toVerificationRun(row, new Date()) : null;
  }

  @Restricted(AUDIT_READ)
  @Mutation(() => LedgerVerificationRun, {
    description:
      "Verifies the whole access ledger as `citygraph audit verify` does — every link, signed checkpoint and anchor — in the " +
      "background: poll `ledgerVerification(id)` for progress and findings. While a run is going, returns that one. Requires audit:read.",
  })
  async startLedgerVerification(@Ctx() context: GovernanceContext): Promise<LedgerVerificationRun> {
    const { principal } = context;
    if (principal.kind !== "user") {
      throw new GraphQLError("A verification is started by a signed-in auditor.", {
        extensions: { code: ErrorCode.FORBIDDEN },
      });
    }
    const { repository, runner } = context.verification;
    if (!runner.available) {
      throw clientError(
        ErrorCode.LEDGER_VERIFICATION_UNAVAILABLE,
        "This deployment cannot verify the ledger on request: give the governance subgraph the gateway's public key (CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE), or run `citygraph audit verify`.",
      );
    }
    const id = await runner.start(principal.subject);
    const row = await repository.findById(id);
    if (!row) throw new Error(`verification run ${id} vanished`);
    return toVerificationRun(row, new Date());
  }
}
