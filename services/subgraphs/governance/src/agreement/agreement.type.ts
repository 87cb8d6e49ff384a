import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Restricted, PageInfo } from "@citygraph/core";
import { GOVERNANCE_ADMIN } from "./agreement.access.ts";

/** Where an agreement stands. The values are the database enum's. */
export enum AgreementStatus {
  DRAFT = "DRAFT",
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
  REVOKED = "REVOKED",
  EXPIRED = "EXPIRED",
}
registerEnumType(AgreementStatus, {
  name: "AgreementStatus",
  description: "Where a data-operation agreement stands.",
  valuesConfig: {
    DRAFT: { description: "Proposed; a second administrator must approve it before it grants anything." },
    ACTIVE: { description: "Approved and within its validity dates: its API keys work." },
    SUSPENDED: { description: "Paused (`statusReason` says why); a different administrator may resume it." },
    REVOKED: { description: "Ended for good (`statusReason` says why)." },
    EXPIRED: { description: "Its `validUntil` has passed." },
  },
});

@ObjectType({ description: "A query a third party may run under an agreement, sent by its hash (persisted operation)." })
export class AgreementOperation {
  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { description: "Unique within the agreement." })
  name!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { description: "SHA-256 (hex) of the exact document text, as Apollo's persisted-query extension sends it." })
  sha256!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String)
  document!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { description: "Subject of the administrator who registered it." })
  registeredBy!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime)
  registeredAt!: Date;

  agreementId!: string;
}

@ObjectType({
  description:
    "A data-operation agreement (数据共享协议): what a third party may read, for which purposes, where, until when and how much.",
})
export class Agreement {
  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => ID)
  id!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String)
  title!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => [String], { description: "Purpose codes (e.g. `epidemic-prevention`); every request declares one of them." })
  purposes!: string[];

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { description: "The law, regulation or decision the processing rests on." })
  legalBasis!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => [String], { description: "Grants, in the scope vocabulary of principals (`health:internal`, `registry:personal:masked`)." })
  scopes!: string[];

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => [String], { description: "Field coordinates (`Type.field`) the scopes are narrowed to; empty: no narrowing." })
  allowedFields!: string[];

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => [String], { description: "Row scope: district codes; empty: every district." })
  districts!: string[];

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime)
  validFrom!: Date;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime, { description: "After this instant the agreement reads as EXPIRED." })
  validUntil!: Date;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => Int)
  requestsPerMinute!: number;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => Int)
  recordsPerDay!: number;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => AgreementStatus, { description: "EXPIRED once `validUntil` has passed (unless REVOKED)." })
  status!: AgreementStatus;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { nullable: true, description: "Why it was suspended or revoked." })
  statusReason!: string | null;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { description: "Subject of the administrator who drafted it." })
  createdBy!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime)
  createdAt!: Date;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { nullable: true, description: "Subject of the second administrator who approved it." })
  approvedBy!: string | null;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime, { nullable: true })
  approvedAt!: Date | null;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { nullable: true, description: "Subject of the administrator who last changed its status." })
  updatedBy!: string | null;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime, { nullable: true })
  updatedAt!: Date | null;

  /** Resolved by `AgreementResolver.organization`. */
  organizationId!: string;
}

@ObjectType()
export class AgreementConnection {
  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => [Agreement])
  nodes!: Agreement[];

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: "A new agreement; it starts as a DRAFT." })
export class CreateAgreementInput {
  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => [String], { description: "Lowercase, hyphenated purpose codes, e.g. `epidemic-prevention`." })
  purposes!: string[];

  @Field(() => String)
  legalBasis!: string;

  @Field(() => [String], { description: "Scopes such as `health:internal` or `registry:personal:masked`." })
  scopes!: string[];

  @Field(() => [String], { nullable: true, description: "Field coordinates (`Type.field`) of the supergraph; default none (no narrowing)." })
  allowedFields?: string[] | null;

  @Field(() => [String], { nullable: true, description: "District codes; default none (every district)." })
  districts?: string[] | null;

  @Field(() => GraphQLDateTime)
  validFrom!: Date;

  @Field(() => GraphQLDateTime)
  validUntil!: Date;

  @Field(() => Int)
  requestsPerMinute!: number;

  @Field(() => Int)
  recordsPerDay!: number;
}
