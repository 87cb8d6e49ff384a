import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDate } from "graphql-scalars";
import { PageInfo } from "@citygraph/core";

export enum Gender {
  FEMALE = "FEMALE",
  MALE = "MALE",
}
registerEnumType(Gender, { name: "Gender" });

@Directive('@key(fields: "id")')
@ObjectType({ description: "A registered resident. Other subgraphs know a person only by the pseudonymous `id`." })
export class Person {
  @Field(() => ID, { description: "Pseudonymous id (16 hex characters), stable across subgraphs." })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "Resident ID number (GB 11643, 18 characters)." })
  idNumber!: string;

  @Field(() => String)
  phone!: string;

  @Field(() => Gender)
  gender!: Gender;

  @Field(() => GraphQLDate)
  birthDate!: Date;

  @Field(() => String, { description: "Registered address, down to the room." })
  address!: string;

  districtCode!: string;
  communityId!: number;
}

@ObjectType()
export class PersonConnection {
  @Field(() => [Person])
  nodes!: Person[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
