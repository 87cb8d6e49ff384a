import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { GraphQLDate, GraphQLDateTime } from "@citygraph/core";
import { Classified, Compares, PageArgs, assertDateRange, pageSize } from "@citygraph/core";
import { Person } from "./person.type.ts";
import { HealthCode } from "../health-code/health-code.type.ts";
import { FeverClinicVisitConnection } from "../fever-clinic-visit/fever-clinic-visit.type.ts";
import { HealthDeclarationConnection } from "../health-declaration/health-declaration.type.ts";
import { decodeTimeCursor, isoDate } from "../cursor.ts";
import type { HealthContext } from "../context.ts";

/** The health commission's fields on the registry's Person; every one batches across persons. */
@Resolver(() => Person)
export class PersonResolver {
  @Classified("SENSITIVE", "HEALTH")
  @FieldResolver(() => HealthCode, {
    nullable: true,
    description: "The person's current health code; null if none was issued.",
  })
  healthCode(@Root() person: Person, @Ctx() context: HealthContext): Promise<HealthCode | null> {
    return context.loaders.healthCode.byPerson.load(person.id);
  }

  @Classified("SENSITIVE", "HEALTH")
  @Compares("from", "FeverClinicVisit.visitedAt")
  @Compares("to", "FeverClinicVisit.visitedAt")
  @FieldResolver(() => FeverClinicVisitConnection, {
    description: "The person's fever-clinic visits, newest first.",
  })
  feverClinicVisits(
    @Root() person: Person,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("from", () => GraphQLDateTime, { nullable: true, description: "Visits at or after this instant." })
    from: Date | undefined,
    @Arg("to", () => GraphQLDateTime, { nullable: true, description: "Visits before this instant." })
    to: Date | undefined,
    @Ctx() context: HealthContext,
  ) {
    assertDateRange({ from: from ?? undefined, to: to ?? undefined });
    return context.loaders.feverClinicVisit.byPerson.load({
      parentId: person.id,
      args: { from: from?.toISOString(), to: to?.toISOString() },
      limit: pageSize(page.first),
      after: decodeTimeCursor(page.after, "instant"),
    });
  }

  @Classified("SENSITIVE", "HEALTH")
  @Compares("from", "HealthDeclaration.declaredOn")
  @Compares("to", "HealthDeclaration.declaredOn")
  @FieldResolver(() => HealthDeclarationConnection, {
    description: "The person's daily health declarations, newest day first.",
  })
  healthDeclarations(
    @Root() person: Person,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("from", () => GraphQLDate, { nullable: true, description: "First day included." })
    from: Date | undefined,
    @Arg("to", () => GraphQLDate, { nullable: true, description: "First day excluded." })
    to: Date | undefined,
    @Ctx() context: HealthContext,
  ) {
    assertDateRange({ from: from ?? undefined, to: to ?? undefined });
    return context.loaders.healthDeclaration.byPerson.load({
      parentId: person.id,
      args: { from: from ? isoDate(from) : undefined, to: to ? isoDate(to) : undefined },
      limit: pageSize(page.first),
      after: decodeTimeCursor(page.after, "day"),
    });
  }
}
