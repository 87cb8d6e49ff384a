import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Classified } from "@citygraph/core";

export enum CheckpointKind {
  HIGHWAY_EXIT = "HIGHWAY_EXIT",
  NATIONAL_ROAD = "NATIONAL_ROAD",
  CITY_ENTRANCE = "CITY_ENTRANCE",
  RAIL_STATION = "RAIL_STATION",
  AIRPORT = "AIRPORT",
}
registerEnumType(CheckpointKind, {
  name: "CheckpointKind",
  description:
    "Where a checkpoint sits. Crossings at rail stations and the airport are ID checks and carry no plate.",
  valuesConfig: {
    HIGHWAY_EXIT: { description: "An expressway toll station (高速收费站)." },
    NATIONAL_ROAD: { description: "A checkpoint on a national road (国道卡口)." },
    CITY_ENTRANCE: { description: "A city entrance on an urban arterial road (城市入口)." },
    RAIL_STATION: { description: "A railway station's exit check (火车站出站口)." },
    AIRPORT: { description: "The airport's arrivals check." },
  },
});

@Directive('@key(fields: "code")')
@ObjectType({ description: "A traffic checkpoint (交通卡口) that records who passes, and in which vehicle." })
// Where checkpoints are is public (they are signposted); what they record is not.
export class Checkpoint {
  @Classified("PUBLIC")
  @Field(() => ID, {
    description: "The district's GB/T 2260 code followed by a 3-digit serial, e.g. 410184001.",
  })
  code!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "Chinese name, e.g. 京港澳高速郑州站." })
  name!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "The road or railway line, e.g. 京港澳高速 G4." })
  road!: string;

  @Classified("PUBLIC")
  @Field(() => CheckpointKind)
  kind!: CheckpointKind;

  /** Resolved by `CheckpointResolver.district`; the column is kept for the stub. */
  districtCode!: string;
}
