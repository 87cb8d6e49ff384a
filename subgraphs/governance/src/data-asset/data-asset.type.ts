import { Field, ObjectType } from "type-graphql";
import { PageInfo } from "@citygraph/core";

@ObjectType({ description: "A field of the platform's data surface: what it is and who owns it." })
export class DataAsset {
  @Field(() => String, { description: "Field coordinate, `Type.field`." })
  coordinate!: string;

  @Field(() => String)
  typeName!: string;

  @Field(() => String)
  fieldName!: string;

  @Field(() => String, { description: "The subgraph (department) that owns and resolves the field." })
  owner!: string;

  @Field(() => [String], { description: "Every subgraph that can resolve the field (shared keys)." })
  owners!: string[];

  @Field(() => String, { description: "GraphQL return type, e.g. `[CheckpointCrossing!]!`." })
  returnType!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@ObjectType()
export class DataAssetConnection {
  @Field(() => [DataAsset])
  nodes!: DataAsset[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
