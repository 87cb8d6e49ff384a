import { createHash } from "node:crypto";
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Restricted, PageArgs, badUserInput, decodeCursor, pageSize, toPage } from "@citygraph/core";
import { Agreement, AgreementConnection, AgreementOperation, AgreementStatus, CreateAgreementInput } from "./agreement.type.ts";
import type { AgreementRow, StoredStatus, TransitionData, TransitionGuard } from "./agreement.repository.ts";
import {
  AGREEMENT_LIMITS,
  assertAgreementKeepsMasks,
  assertOperationRunnable,
  requiredText,
  validateAgreementInput,
  validateOperation,
} from "./agreement.validation.ts";
import { policyOf } from "../data-asset/data-asset.catalog.ts";
import { GOVERNANCE_ADMIN, adminSubject, agreementStateConflict, assertUuid, fourEyes } from "./agreement.access.ts";
import { Organization } from "../organization/organization.type.ts";
import { ApiKey } from "../api-key/api-key.type.ts";
import type { GovernanceContext } from "../context.ts";

/** A status change: which (effective) statuses it starts from, and what it writes. */
interface Transition {
  /** Effective statuses the change is allowed from. */
  allowed: readonly AgreementStatus[];
  /** The message of AGREEMENT_STATE_CONFLICT when the agreement is in another status. */
  refusal: (status: AgreementStatus) => string;
  guard: Omit<TransitionGuard, "notCreatedBy" | "notUpdatedBy">;
  /** Four eyes: the subject who drafted it (approval) or last changed its status (resumption) may not. */
  fourEyes?: { column: "createdBy" | "updatedBy"; message: string };
  data: (subject: string) => TransitionData;
}

const APPROVE: Transition = {
  allowed: [AgreementStatus.DRAFT],
  refusal: (status) => `Only a DRAFT agreement can be approved; this one is ${status}.`,
  guard: { from: ["DRAFT"], unexpired: true },
  fourEyes: {
    column: "createdBy",
    message: "Four eyes: you drafted this agreement, so a different administrator must approve it.",
  },
  data: (subject) => ({ status: "ACTIVE", statusReason: null, updatedBy: subject, approvedBy: subject }),
};

const RESUME: Transition = {
  allowed: [AgreementStatus.SUSPENDED],
  refusal: (status) => `Only a SUSPENDED agreement can be resumed; this one is ${status}.`,
  guard: { from: ["SUSPENDED"], unexpired: true },
  fourEyes: {
    column: "updatedBy",
    message: "Four eyes: you suspended this agreement, so a different administrator must resume it.",
  },
  data: (subject) => ({ status: "ACTIVE", statusReason: null, updatedBy: subject }),
};

const suspend = (reason: string): Transition => ({
  allowed: [AgreementStatus.ACTIVE],
  refusal: (status) => `Only an ACTIVE agreement can be suspended; this one is ${status}.`,
  guard: { from: ["ACTIVE"], unexpired: true },
  data: (subject) => ({ status: "SUSPENDED", statusReason: reason, updatedBy: subject }),
});

const REVOCABLE: StoredStatus[] = ["DRAFT", "ACTIVE", "SUSPENDED", "EXPIRED"];
const revoke = (reason: string): Transition => ({
  allowed: [AgreementStatus.DRAFT, AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED, AgreementStatus.EXPIRED],
  refusal: () => "This agreement is REVOKED already; revocation is final.",
  guard: { from: REVOCABLE, unexpired: false },
  data: (subject) => ({ status: "REVOKED", statusReason: reason, updatedBy: subject, revokeKeys: true }),
});

/** Statuses an agreement may gain operations in (not once it is over). */
const OPEN: readonly AgreementStatus[] = [AgreementStatus.DRAFT, AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED];

@Resolver(() => Agreement)
export class AgreementResolver {
  @Restricted(GOVERNANCE_ADMIN)
  @Query(() => Agreement, { nullable: true, description: "One agreement; null when there is none with this id." })
  agreement(@Arg("id", () => ID) id: string, @Ctx() context: GovernanceContext): Promise<Agreement | null> {
    adminSubject(context);
    return context.loaders.agreement.byId.load(assertUuid("id", id));
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Query(() => AgreementConnection, { description: "Agreements, newest first; filter by status and organization." })
  async agreements(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("status", () => AgreementStatus, { nullable: true, description: "Only agreements that read as this status now." })
    status: AgreementStatus | undefined,
    @Arg("organization", () => ID, { nullable: true, description: "Only agreements of this organization." })
    organization: string | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<AgreementConnection> {
    adminSubject(context);
    const organizationId = organization === undefined || organization === null ? undefined : assertUuid("organization", organization);
    const limit = pageSize(page.first);
    const rows = await context.repositories.agreement.list(
      { status: status ?? undefined, organizationId },
      limit,
      decodeCursor(page.after, ["datetime", "string"]),
    );
    return toPage(rows, limit, (a) => [a.createdAt.toISOString(), a.id]);
  }

  @Restricted(GOVERNANCE_ADMIN)
  @FieldResolver(() => Organization, { description: "The party holding the agreement." })
  async organization(@Root() agreement: Agreement, @Ctx() context: GovernanceContext): Promise<Organization> {
    return (await context.loaders.organization.byId.load(agreement.organizationId))!;
  }

  @Restricted(GOVERNANCE_ADMIN)
  @FieldResolver(() => [AgreementOperation], { description: "The persisted operations the agreement allows, by registration." })
  operations(@Root() agreement: Agreement, @Ctx() context: GovernanceContext): Promise<AgreementOperation[]> {
    return context.loaders.agreement.operations.load(agreement.id);
  }

  @Restricted(GOVERNANCE_ADMIN)
  @FieldResolver(() => [ApiKey], { description: "Its API keys, newest first, live and revoked. Never their secrets." })
  apiKeys(@Root() agreement: Agreement, @Ctx() context: GovernanceContext): Promise<ApiKey[]> {
    return context.loaders.apiKey.byAgreement.load(agreement.id);
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => Agreement, { description: "Drafts an agreement. It grants nothing until a second administrator approves it." })
  async createAgreement(
    @Arg("input", () => CreateAgreementInput) input: CreateAgreementInput,
    @Ctx() context: GovernanceContext,
  ): Promise<Agreement> {
    const subject = adminSubject(context);
    const organizationId = assertUuid("input.organizationId", input.organizationId);
    const valid = validateAgreementInput(input, new Date());
    if (!(await context.loaders.organization.byId.load(organizationId))) {
      throw badUserInput("input.organizationId", "no organization has this id");
    }
    if (valid.allowedFields.length) {
      const known = await context.repositories.agreement.knownCoordinates(valid.allowedFields);
      const unknown = valid.allowedFields.filter((f) => !known.has(f));
      if (unknown.length) {
        throw badUserInput("input.allowedFields", `not fields of the supergraph: ${unknown.slice(0, 10).join(", ")}`);
      }
    }
    const catalog = await context.repositories.dataAsset.list({}, undefined);
    assertAgreementKeepsMasks(valid, catalog.map(policyOf));
    return context.repositories.agreement.create({ ...valid, organizationId, createdBy: subject });
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => AgreementOperation, {
    description: "Registers a query the agreement's holder may run, by the SHA-256 of its exact text (persisted operation).",
  })
  async registerOperation(
    @Arg("agreementId", () => ID) agreementId: string,
    @Arg("name", () => String) name: string,
    @Arg("document", () => String, { description: "The exact text the holder will send the hash of." }) document: string,
    @Ctx() context: GovernanceContext,
  ): Promise<AgreementOperation> {
    const subject = adminSubject(context);
    const id = assertUuid("agreementId", agreementId);
    const parsed = validateOperation(name, document);
    const agreement = await this.existing(context, "agreementId", id);
    if (!OPEN.includes(agreement.status)) {
      throw agreementStateConflict(agreement.status, `A ${agreement.status} agreement takes no new operations.`);
    }
    assertOperationRunnable(parsed, context.operationSurface, agreement);
    const sha256 = createHash("sha256").update(document, "utf8").digest("hex");
    const repository = context.repositories.agreement;
    const clash = await repository.findOperation(id, name, sha256);
    const registered = clash ? null : await repository.addOperation({ agreementId: id, name, sha256, document, registeredBy: subject });
    if (!registered) {
      const existing = clash ?? (await repository.findOperation(id, name, sha256));
      if (existing?.sha256 === sha256) throw badUserInput("document", `is registered already, as "${existing.name}"`);
      throw badUserInput("name", "the agreement has an operation of this name already");
    }
    return registered;
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => Agreement, { description: "Approves a DRAFT: it becomes ACTIVE. The approver must not be who drafted it." })
  approveAgreement(@Arg("id", () => ID) id: string, @Ctx() context: GovernanceContext): Promise<Agreement> {
    return this.transition(context, id, APPROVE);
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => Agreement, { description: "Pauses an ACTIVE agreement: its keys stop working until it is resumed." })
  suspendAgreement(
    @Arg("id", () => ID) id: string,
    @Arg("reason", () => String) reason: string,
    @Ctx() context: GovernanceContext,
  ): Promise<Agreement> {
    return this.transition(context, id, suspend(requiredText("reason", reason, AGREEMENT_LIMITS.reason)));
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => Agreement, { description: "Resumes a SUSPENDED agreement. The administrator must not be who suspended it." })
  resumeAgreement(@Arg("id", () => ID) id: string, @Ctx() context: GovernanceContext): Promise<Agreement> {
    return this.transition(context, id, RESUME);
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => Agreement, { description: "Ends an agreement for good and revokes its API keys. Final." })
  revokeAgreement(
    @Arg("id", () => ID) id: string,
    @Arg("reason", () => String) reason: string,
    @Ctx() context: GovernanceContext,
  ): Promise<Agreement> {
    return this.transition(context, id, revoke(requiredText("reason", reason, AGREEMENT_LIMITS.reason)));
  }

  /** The agreement, read fresh (not from the request's loader); BAD_USER_INPUT naming `argumentName` when there is none. */
  private async existing(context: GovernanceContext, argumentName: string, id: string, now = new Date()): Promise<AgreementRow> {
    const agreement = await context.repositories.agreement.findById(id, now);
    if (!agreement) throw badUserInput(argumentName, "no agreement has this id");
    return agreement;
  }

  private async transition(context: GovernanceContext, idArg: string, transition: Transition): Promise<Agreement> {
    const subject = adminSubject(context);
    const id = assertUuid("id", idArg);
    const now = new Date();
    const current = await this.existing(context, "id", id, now);
    if (!transition.allowed.includes(current.status)) throw agreementStateConflict(current.status, transition.refusal(current.status));
    if (transition.fourEyes && current[transition.fourEyes.column] === subject) throw fourEyes(transition.fourEyes.message);
    const guard: TransitionGuard = {
      ...transition.guard,
      ...(transition.fourEyes?.column === "createdBy" ? { notCreatedBy: subject } : {}),
      ...(transition.fourEyes?.column === "updatedBy" ? { notUpdatedBy: subject } : {}),
    };
    const changed = await context.repositories.agreement.transition(id, guard, transition.data(subject), now);
    const after = await this.existing(context, "id", id);
    // Another administrator changed it between the read and the update.
    if (!changed) throw agreementStateConflict(after.status, `The agreement changed meanwhile; it is ${after.status} now. Try again.`);
    return after;
  }
}
