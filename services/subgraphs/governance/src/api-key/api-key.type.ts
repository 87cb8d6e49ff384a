import { Field, ID, ObjectType } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Restricted } from "@citygraph/core";
import { GOVERNANCE_ADMIN } from "../agreement/agreement.access.ts";

@ObjectType({ description: "An API key of an agreement: its public id and history. The secret is never stored, only its hash." })
export class ApiKey {
  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => ID, { description: "Public key id, the part before the dot of the key (`cgk_…`)." })
  id!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime)
  createdAt!: Date;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { description: "Subject of the administrator who issued it." })
  createdBy!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime, { nullable: true, description: "When it stopped working; null while it is live." })
  revokedAt!: Date | null;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { nullable: true })
  revokedBy!: string | null;

  agreementId!: string;
}

@ObjectType({ description: "A newly issued API key. `key` is shown this once: it cannot be read again." })
export class IssuedApiKey {
  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { description: "`<id>.<secret>`: hand it to the organization now; only its hash is kept." })
  key!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
