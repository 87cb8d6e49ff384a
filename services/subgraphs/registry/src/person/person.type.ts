import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Classified, PageInfo, PartialDate } from "@citygraph/core";

export enum Gender {
  FEMALE = "FEMALE",
  MALE = "MALE",
}
registerEnumType(Gender, { name: "Gender" });

@Directive('@key(fields: "id")')
@ObjectType({ description: "A registered resident. Other subgraphs know a person only by the pseudonymous `id`." })
export class Person {
  @Classified("PUBLIC")
  @Field(() => ID, { description: "Pseudonymous id (16 hex characters), stable across subgraphs." })
  id!: string;

  @Classified("PERSONAL", "NAME")
  @Field(() => String)
  name!: string;

  @Classified("SENSITIVE", "ID_NUMBER")
  @Field(() => String, { description: "Resident ID number (GB 11643, 18 characters)." })
  idNumber!: string;

  @Classified("PERSONAL", "PHONE")
  @Field(() => String)
  phone!: string;

  @Classified("PERSONAL", "GENDER")
  @Field(() => Gender)
  gender!: Gender;

  @Classified("PERSONAL", "BIRTH_DATE")
  @Field(() => PartialDate)
  birthDate!: string;

  @Classified("PERSONAL", "ADDRESS")
  @Field(() => String, { description: "Registered address, down to the room." })
  address!: string;

  districtCode!: string;
  communityId!: number;
}

@ObjectType()
export class PersonConnection {
  @Classified("PUBLIC")
  @Field(() => [Person])
  nodes!: Person[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
