import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Classified } from "@citygraph/core";
import { Employment } from "./employment.type.ts";
import { Enterprise } from "../enterprise/enterprise.type.ts";
import { District } from "../district/district.type.ts";
import { Person } from "../person/person.type.ts";
import type { EnterpriseContext } from "../context.ts";

@Resolver(() => Employment)
export class EmploymentResolver {
  // Which person holds this job is the employment record itself (like a visit's patient in health).
  @Classified("PERSONAL", "EMPLOYMENT")
  @FieldResolver(() => Person, { nullable: true, description: "The employee, resolved by the registry." })
  person(@Root() employment: Employment): Person | null {
    return { id: employment.personId };
  }

  // The employer is the substance of a person's employment record.
  @Classified("PERSONAL", "EMPLOYMENT")
  @FieldResolver(() => Enterprise, { nullable: true, description: "The employer." })
  enterprise(@Root() employment: Employment, @Ctx() context: EnterpriseContext): Promise<Enterprise | null> {
    return context.loaders.enterprise.byCreditCode.load(employment.enterpriseCreditCode);
  }

  // Where a person works, to the district: part of their employment record, like the employer.
  @Classified("PERSONAL", "EMPLOYMENT")
  @FieldResolver(() => District, { nullable: true, description: "The employer's district." })
  district(@Root() employment: Employment): District | null {
    return { code: employment.districtCode };
  }
}
