import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";

@Directive('@key(fields: "code")')
@ObjectType({ description: "A county-level division of Zhengzhou, or one of the functional zones the city counts among its sixteen." })
export class District {
  @Classified("PUBLIC")
  @Field(() => ID, { description: "GB/T 2260 code; zones without one carry a platform-assigned code (see `official`)." })
  code!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "Chinese name, e.g. 金水区." })
  name!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "English name." })
  nameEn!: string;

  @Classified("PUBLIC")
  @Field(() => Boolean, { description: "A functional zone (功能区) rather than an administrative division." })
  zone!: boolean;

  @Classified("PUBLIC")
  @Field(() => Boolean, { description: "Whether `code` is an official code rather than one the platform assigned." })
  official!: boolean;
}
