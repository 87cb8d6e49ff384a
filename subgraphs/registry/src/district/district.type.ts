import { Directive, Field, ID, ObjectType } from "type-graphql";

@Directive('@key(fields: "code")')
@ObjectType({ description: "A county-level division of Zhengzhou, or one of the functional zones the city counts among its sixteen." })
export class District {
  @Field(() => ID, { description: "GB/T 2260 code; zones without one carry a platform-assigned code (see `official`)." })
  code!: string;

  @Field(() => String, { description: "Chinese name, e.g. 金水区." })
  name!: string;

  @Field(() => String, { description: "English name." })
  nameEn!: string;

  @Field(() => Boolean, { description: "A functional zone (功能区) rather than an administrative division." })
  zone!: boolean;

  @Field(() => Boolean, { description: "Whether `code` is an official code rather than one the platform assigned." })
  official!: boolean;
}
