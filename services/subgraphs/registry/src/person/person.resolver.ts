import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Classified, Compares, PageArgs, assertDistrictCode, assertIdNumber, badUserInput, decodeCursor, pageSize, toPage } from "@citygraph/core";
import { Person, PersonConnection } from "./person.type.ts";
import { District } from "../district/district.type.ts";
import { Community } from "../community/community.type.ts";
import type { RegistryContext } from "../context.ts";

@Resolver(() => Person)
export class PersonResolver {
  @Classified("INTERNAL")
  @Query(() => Person, { nullable: true, description: "A person by pseudonymous id." })
  person(@Arg("id", () => ID) id: string, @Ctx() context: RegistryContext): Promise<Person | null> {
    if (!/^[0-9a-f]{16}$/.test(id)) throw badUserInput("id", "must be 16 lowercase hex characters");
    return context.loaders.person.byId.load(id);
  }

  // Looking a person up by ID number confirms who holds it: only full sensitive grants may.
  @Classified("SENSITIVE", "OTHER")
  @Compares("idNumber", "Person.idNumber")
  @Query(() => Person, { nullable: true, description: "A person by resident ID number." })
  personByIdNumber(@Arg("idNumber", () => String) idNumber: string, @Ctx() context: RegistryContext) {
    assertIdNumber("idNumber", idNumber);
    return context.repositories.person.findByIdNumber(idNumber);
  }

  @Classified("INTERNAL")
  @Compares("district", "Person.district")
  @Compares("community", "Person.community")
  @Query(() => PersonConnection, { description: "Persons by pseudonymous id; filter by district or community." })
  async persons(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, { nullable: true }) district: string | undefined,
    @Arg("community", () => ID, { nullable: true }) community: string | undefined,
    @Ctx() context: RegistryContext,
  ): Promise<PersonConnection> {
    if (district) assertDistrictCode("district", district);
    const communityId = community === undefined || community === null ? undefined : Number(community);
    if (communityId !== undefined && (!Number.isSafeInteger(communityId) || communityId < 1)) {
      throw badUserInput("community", "must be a positive integer");
    }
    const limit = pageSize(page.first);
    const rows = await context.repositories.person.list(
      { districtCode: district ?? undefined, communityId },
      limit,
      decodeCursor(page.after, ["string"]),
    );
    return toPage(rows, limit, (p) => [p.id]);
  }

  // Resolved only here, so selecting it makes the gateway ask this subgraph about a reference:
  // a person outside the caller's row scope resolves to null, and so does the reference to them.
  // Nullable, so the gateway sees the null itself (a non-null one would null the object first).
  @Classified("PUBLIC")
  @FieldResolver(() => Boolean, {
    nullable: true,
    description: "True. The gateway selects it to confirm a reference from another subgraph: a person outside the caller's districts is null.",
  })
  inScope(): boolean {
    return true;
  }

  @Classified("INTERNAL")
  @FieldResolver(() => District, { nullable: true })
  async district(@Root() person: Person, @Ctx() context: RegistryContext): Promise<District | null> {
    return context.loaders.district.byCode.load(person.districtCode);
  }

  @Classified("INTERNAL")
  @FieldResolver(() => Community, { nullable: true })
  async community(@Root() person: Person, @Ctx() context: RegistryContext): Promise<Community | null> {
    return context.loaders.community.byId.load(person.communityId);
  }
}
