import { Field, ObjectType, registerEnumType } from "type-graphql";
import { Classified, LEVELS, PERSONAL_KINDS, PageInfo, type Level, type PersonalKind } from "@citygraph/core";

/** How the caller may read a field: `decide`'s access, as a GraphQL enum. */
export const DataAccess = { FULL: "FULL", MASKED: "MASKED", DENIED: "DENIED" } as const;
export type DataAccess = (typeof DataAccess)[keyof typeof DataAccess];
registerEnumType(DataAccess, {
  name: "DataAccess",
  description: "How the caller may read a field.",
  valuesConfig: {
    FULL: { description: "The value as it is." },
    MASKED: { description: "The value masked by its kind's rule (e.g. 410105********6758)." },
    DENIED: { description: "Not at all: the field is null, with a FORBIDDEN error." },
  },
});

/** The classification levels, as a GraphQL enum (same names as `@classified`). */
export const DataLevel = Object.fromEntries(LEVELS.map((l) => [l, l])) as { [L in Level]: L };
registerEnumType(DataLevel, {
  name: "DataLevel",
  description: "How protected a field is; a grant of a level includes the levels below it.",
  valuesConfig: {
    PUBLIC: { description: "Open data: anyone, including anonymous callers." },
    INTERNAL: { description: "Government-internal: `<owner>:internal` or higher." },
    PERSONAL: { description: "Personal information: `<owner>:personal` or higher." },
    SENSITIVE: { description: "Sensitive personal information: `<owner>:sensitive`." },
  },
});

/** The kinds of personal information, as a GraphQL enum (same names as `@classified`). */
export const PersonalDataKind = Object.fromEntries(PERSONAL_KINDS.map((k) => [k, k])) as { [K in PersonalKind]: K };
registerEnumType(PersonalDataKind, {
  name: "PersonalDataKind",
  description: "What kind of personal information a PERSONAL or SENSITIVE field holds; the kind picks the masking rule.",
});

@ObjectType({ description: "The Federation authorization directives on a field, which apply on top of its classification." })
export class DataAssetRequirements {
  @Classified("PUBLIC")
  @Field(() => Boolean, { description: "`@authenticated`: anonymous callers are denied whatever the level." })
  authenticated!: boolean;

  @Classified("PUBLIC")
  @Field(() => [[String]], { description: "`@requiresScopes`: every scope of at least one inner list; empty when none." })
  requiresScopes!: string[][];

  @Classified("PUBLIC")
  @Field(() => [[String]], { description: "`@policy`: every policy of at least one inner list; empty when none." })
  policies!: string[][];
}

@ObjectType({ description: "A field of the platform's data surface: what it is, who owns it, and how the caller may read it." })
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

  @Classified("PUBLIC")
  @Field(() => DataLevel, { description: "The field's classification level." })
  level!: Level;

  @Classified("PUBLIC")
  @Field(() => PersonalDataKind, { nullable: true, description: "The kind of personal information, for PERSONAL and SENSITIVE fields; null otherwise." })
  kind!: PersonalKind | null;

  @Classified("PUBLIC")
  @Field(() => [String], {
    description:
      "Scopes that grant the field in full: `<owner>:<level>` and the owner's higher levels (roles that include one grant it too). Empty for PUBLIC fields, which need none. `requirements` apply on top; `access` accounts for both.",
  })
  grantedBy!: string[];

  @Classified("PUBLIC")
  @Field(() => [String], {
    description:
      "Scopes that grant the field masked (`<owner>:<level>:masked` and the owner's higher levels), when its kind has a masking rule; empty otherwise. A full grant wins over a masked one.",
  })
  maskedBy!: string[];

  @Classified("PUBLIC")
  @Field(() => DataAssetRequirements, {
    nullable: true,
    description: "`@authenticated`, `@requiresScopes` and `@policy` on the field, which apply on top of `grantedBy`; null when none.",
  })
  requirements!: DataAssetRequirements | null;

  @Classified("PUBLIC")
  @Field(() => DataAccess, { description: "How the caller of this request may read the field." })
  access!: DataAccess;
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

@ObjectType({ description: "What a draft agreement would give its holder, field by field (`agreementGrantPreview`)." })
export class AgreementGrantPreview {
  @Classified("PUBLIC")
  @Field(() => [DataAsset], {
    description: "Every field of the catalog, in coordinate order, with `access` as the agreement's holder would read it (PUBLIC fields are open to anyone).",
  })
  fields!: DataAsset[];

  @Classified("PUBLIC")
  @Field(() => String, {
    nullable: true,
    description: "Why createAgreement would refuse these grants (a mask the other grants undo), naming the fields; null when it would not.",
  })
  problem!: string | null;
}
