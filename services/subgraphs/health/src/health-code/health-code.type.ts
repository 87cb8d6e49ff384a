import { Field, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Classified } from "@citygraph/core";

/** The colours of a health code (健康码). Same strings as the database enum. */
export const HealthCodeColor = { GREEN: "GREEN", YELLOW: "YELLOW", RED: "RED" } as const;
export type HealthCodeColor = (typeof HealthCodeColor)[keyof typeof HealthCodeColor];
registerEnumType(HealthCodeColor, {
  name: "HealthCodeColor",
  description: "The colour of a health code (健康码), as scanned at entrances and checkpoints.",
  valuesConfig: {
    GREEN: { description: "No known risk: free movement." },
    YELLOW: {
      description:
        "Elevated risk (次密接, travel from a medium/high-risk area, a fever-clinic visit, an overdue test, a controlled zone): health monitoring and tests until it turns green.",
    },
    RED: {
      description:
        "High risk (a case, an infection, a close contact 密接, a sealed zone): centralised or home quarantine.",
    },
  },
});

@ObjectType({ description: "A person's current health code." })
export class HealthCode {
  @Classified("SENSITIVE", "HEALTH")
  @Field(() => HealthCodeColor)
  color!: HealthCodeColor;

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => String, {
    nullable: true,
    description: "Why the code is yellow or red, e.g. 密切接触者（密接）; null for green codes.",
  })
  reason!: string | null;

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => GraphQLDateTime, { description: "When the code took its current colour." })
  assignedAt!: Date;

  /** Resolved by `HealthCodeResolver.person`. */
  personId!: string;
  /** The holder's registered district; resolved by `HealthCodeResolver.district`. */
  districtCode!: string;
}
