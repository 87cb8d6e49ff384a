import { Arg, Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { Restricted, PageArgs, assertCreditCode, badUserInput, decodeCursor, pageSize, toPage } from "@citygraph/core";
import { Organization, OrganizationConnection } from "./organization.type.ts";
import { GOVERNANCE_ADMIN, adminSubject } from "../agreement/agreement.access.ts";
import type { GovernanceContext } from "../context.ts";

/** The longest organization name accepted. */
const MAX_NAME = 200;

@Resolver(() => Organization)
export class OrganizationResolver {
  @Restricted(GOVERNANCE_ADMIN)
  @Query(() => OrganizationConnection, { description: "Organizations that hold (or may hold) agreements, by credit code." })
  async organizations(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("creditCode", () => String, { nullable: true, description: "Only the organization with this credit code." })
    creditCode: string | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<OrganizationConnection> {
    adminSubject(context);
    if (creditCode !== undefined && creditCode !== null) assertCreditCode("creditCode", creditCode);
    const limit = pageSize(page.first);
    const rows = await context.repositories.organization.list(
      { creditCode: creditCode ?? undefined },
      limit,
      decodeCursor(page.after, ["string"]),
    );
    return toPage(rows, limit, (o) => [o.creditCode]);
  }

  @Restricted(GOVERNANCE_ADMIN)
  @Mutation(() => Organization, { description: "Registers an organization; its credit code must be valid and new." })
  async createOrganization(
    @Arg("name", () => String) name: string,
    @Arg("creditCode", () => String) creditCode: string,
    @Ctx() context: GovernanceContext,
  ): Promise<Organization> {
    adminSubject(context);
    const trimmed = name.trim();
    if (!trimmed) throw badUserInput("name", "must not be empty");
    if (trimmed.length > MAX_NAME) throw badUserInput("name", `may be at most ${MAX_NAME} characters`);
    assertCreditCode("creditCode", creditCode);
    const created = await context.repositories.organization.create({ name: trimmed, creditCode });
    if (!created) throw badUserInput("creditCode", "an organization with this credit code exists already");
    return created;
  }
}
