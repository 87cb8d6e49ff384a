import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { Restricted, badUserInput } from "@citygraph/core";
import { ApiKey, IssuedApiKey } from "./api-key.type.ts";
import { API_KEY_ID_PATTERN, generateApiKey } from "@citygraph/agreements";
import { GOVERNANCE_ADMIN, adminSubject, agreementStateConflict, assertUuid } from "../agreement/agreement.access.ts";
import { effectiveStatus } from "../agreement/agreement.repository.ts";
import { AgreementStatus } from "../agreement/agreement.type.ts";
import type { GovernanceContext } from "../context.ts";

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => IssuedApiKey, {
    description: "Issues an API key for an ACTIVE or SUSPENDED agreement. The key is in this response only; it cannot be read again.",
  })
  issueApiKey(@Arg("agreementId", () => ID) agreementId: string, @Ctx() context: GovernanceContext): Promise<IssuedApiKey> {
    return issue(context, agreementId, false);
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => IssuedApiKey, { description: "Issues a new API key and revokes the agreement's other live keys, at once." })
  rotateApiKey(@Arg("agreementId", () => ID) agreementId: string, @Ctx() context: GovernanceContext): Promise<IssuedApiKey> {
    return issue(context, agreementId, true);
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => ApiKey, { description: "Revokes one API key now. Revoking a revoked key changes nothing." })
  async revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() context: GovernanceContext): Promise<ApiKey> {
    const subject = adminSubject(context);
    if (!API_KEY_ID_PATTERN.test(id)) throw badUserInput("id", "is not an API key id (cgk_ and 12 characters)");
    const revoked = await context.repositories.apiKey.revoke(id, subject);
    if (!revoked) throw badUserInput("id", "no API key has this id");
    return revoked;
  }
}

async function issue(context: GovernanceContext, agreementIdArg: string, revokeOthers: boolean): Promise<IssuedApiKey> {
  const subject = adminSubject(context);
  const agreementId = assertUuid("agreementId", agreementIdArg);
  const generated = generateApiKey();
  const now = new Date();
  const apiKey = await context.repositories.apiKey.issue(
    { id: generated.id, agreementId, secretHash: generated.secretHash, createdBy: subject },
    {
      revokeOthers,
      now,
      check: (agreement) => {
        const status = effectiveStatus(agreement.status, agreement.validUntil, now);
        if (status === AgreementStatus.DRAFT) {
          throw agreementStateConflict(status, "This agreement is a DRAFT: it needs a second administrator's approval before it gets keys.");
        }
        if (status !== AgreementStatus.ACTIVE && status !== AgreementStatus.SUSPENDED) {
          throw agreementStateConflict(status, `A ${status} agreement gets no keys.`);
        }
      },
    },
  );
  if (!apiKey) throw badUserInput("agreementId", "no agreement has this id");
  return { key: generated.key, apiKey };
}
