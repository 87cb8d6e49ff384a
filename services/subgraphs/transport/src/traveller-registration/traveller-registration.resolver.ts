import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, Compares, PageArgs, assertDistrictCode, pageSize, toPage } from "@citygraph/core";
import { TravellerRegistration, TravellerRegistrationConnection } from "./traveller-registration.type.ts";
import { registrationKey } from "./traveller-registration.loaders.ts";
import { District } from "../district/district.type.ts";
import { Person } from "../person/person.type.ts";
import { decodeTimeCursor, validateWindow } from "../arguments.ts";
import type { TransportContext } from "../context.ts";

@Resolver(() => TravellerRegistration)
export class TravellerRegistrationResolver {
  @Classified("INTERNAL")
  @Compares("from", "TravellerRegistration.arrivalDate")
  @Compares("to", "TravellerRegistration.arrivalDate")
  @Query(() => TravellerRegistrationConnection, {
    description:
      "Incoming-traveller registrations, latest arrival first; filter by destination district and arrival dates.",
  })
  async travellerRegistrations(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, { nullable: true, description: "Destination district code." })
    district: string | undefined,
    @Arg("from", () => GraphQLDate, { nullable: true, description: "Earliest arrival date, inclusive." })
    from: Date | undefined,
    @Arg("to", () => GraphQLDate, { nullable: true, description: "Latest arrival date, exclusive." })
    to: Date | undefined,
    @Ctx() context: TransportContext,
  ): Promise<TravellerRegistrationConnection> {
    const limit = pageSize(page.first);
    const after = decodeTimeCursor(page.after);
    if (district != null) assertDistrictCode("district", district);
    validateWindow(from, to);
    const rows = await context.repositories.registration.list(
      { districtCode: district || undefined, from: from ?? undefined, to: to ?? undefined },
      limit,
      after,
    );
    return toPage(rows, limit, registrationKey);
  }

  // Who came from where: a person's travel record. Nullable, like the other protected links.
  @Classified("SENSITIVE", "TRAVEL")
  @FieldResolver(() => Person, { nullable: true })
  person(@Root() registration: TravellerRegistration): Person {
    return { id: registration.personId };
  }

  @Classified("INTERNAL")
  @FieldResolver(() => District, {
    description: "Where the traveller is staying: the district that follows up.",
  })
  destinationDistrict(@Root() registration: TravellerRegistration): District {
    return { code: registration.districtCode };
  }
}
