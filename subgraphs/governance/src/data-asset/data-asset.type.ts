import { Field, ObjectType } from "type-graphql";
import { Classified, PageInfo } from "@citygraph/core";

@ObjectType({ description: "A field of the platform's data surface: what it is and who owns it." })
export class DataAsset {
  @Classified("PUBLIC")
  @Field(() => String, { description: "Field coordinate, `Type.field`." })
  coordinate!: string;

  @Classified("PUBLIC")
  @Field(() => String)
  typeName!: string;

  @Classified("PUBLIC")
  @Field(() => String)
  fieldName!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "The subgraph (department) that owns and resolves the field." })
  owner!: string;

  @Classified("PUBLIC")
  @Field(() => [String], { description: "Every subgraph that can resolve the field (shared keys)." })
  owners!: string[];

  @Classified("PUBLIC")
  @Field(() => String, { description: "GraphQL return type, e.g. `[CheckpointCrossing!]!`." })
  returnType!: string;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true })
  description!: string | null;
}

@ObjectType()
export class DataAssetConnection {
  @Classified("PUBLIC")
  @Field(() => [DataAsset])
  nodes!: DataAsset[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
