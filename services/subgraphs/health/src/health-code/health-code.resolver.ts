import { FieldResolver, Resolver, Root } from "type-graphql";
import { Classified } from "@citygraph/core";
import { HealthCode } from "./health-code.type.ts";
import { District } from "../district/district.type.ts";
import { Person } from "../person/person.type.ts";

@Resolver(() => HealthCode)
export class HealthCodeResolver {
  @Classified("SENSITIVE", "HEALTH")
  @FieldResolver(() => Person, { description: "The holder." })
  person(@Root() code: HealthCode): Person {
    return { id: code.personId };
  }

  @Classified("INTERNAL")
  @FieldResolver(() => District, { description: "The holder's registered district." })
  district(@Root() code: HealthCode): District {
    return { code: code.districtCode };
  }
}
