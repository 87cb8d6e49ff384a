import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

/** GB/T 4754-2017 sections that registered enterprises fall in (S and T hold no enterprises). */
export enum Industry {
  AGRICULTURE = "AGRICULTURE",
  MINING = "MINING",
  MANUFACTURING = "MANUFACTURING",
  UTILITIES = "UTILITIES",
  CONSTRUCTION = "CONSTRUCTION",
  WHOLESALE_RETAIL = "WHOLESALE_RETAIL",
  TRANSPORT_LOGISTICS = "TRANSPORT_LOGISTICS",
  ACCOMMODATION_CATERING = "ACCOMMODATION_CATERING",
  IT_SERVICES = "IT_SERVICES",
  FINANCE = "FINANCE",
  REAL_ESTATE = "REAL_ESTATE",
  LEASING_BUSINESS_SERVICES = "LEASING_BUSINESS_SERVICES",
  SCIENTIFIC_RESEARCH = "SCIENTIFIC_RESEARCH",
  WATER_ENVIRONMENT = "WATER_ENVIRONMENT",
  RESIDENT_SERVICES = "RESIDENT_SERVICES",
  EDUCATION = "EDUCATION",
  HEALTHCARE = "HEALTHCARE",
  CULTURE_SPORTS_ENTERTAINMENT = "CULTURE_SPORTS_ENTERTAINMENT",
}
registerEnumType(Industry, {
  name: "Industry",
  description: "Industry section of an enterprise's main business (GB/T 4754-2017).",
  valuesConfig: {
    AGRICULTURE: { description: "A 农、林、牧、渔业" },
    MINING: { description: "B 采矿业" },
    MANUFACTURING: { description: "C 制造业" },
    UTILITIES: { description: "D 电力、热力、燃气及水生产和供应业" },
    CONSTRUCTION: { description: "E 建筑业" },
    WHOLESALE_RETAIL: { description: "F 批发和零售业" },
    TRANSPORT_LOGISTICS: { description: "G 交通运输、仓储和邮政业" },
    ACCOMMODATION_CATERING: { description: "H 住宿和餐饮业" },
    IT_SERVICES: { description: "I 信息传输、软件和信息技术服务业" },
    FINANCE: { description: "J 金融业" },
    REAL_ESTATE: { description: "K 房地产业" },
    LEASING_BUSINESS_SERVICES: { description: "L 租赁和商务服务业" },
    SCIENTIFIC_RESEARCH: { description: "M 科学研究和技术服务业" },
    WATER_ENVIRONMENT: { description: "N 水利、环境和公共设施管理业" },
    RESIDENT_SERVICES: { description: "O 居民服务、修理和其他服务业" },
    EDUCATION: { description: "P 教育" },
    HEALTHCARE: { description: "Q 卫生和社会工作" },
    CULTURE_SPORTS_ENTERTAINMENT: { description: "R 文化、体育和娱乐业" },
  },
});

@Directive('@key(fields: "creditCode")')
@ObjectType({
  description: "An enterprise registered with market regulation (市场监管). Its registration is public (企业信用信息公示).",
})
export class Enterprise {
  @Classified("PUBLIC")
  @Field(() => ID, { description: "Unified social credit code (统一社会信用代码, GB 32100, 18 characters)." })
  creditCode!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "Registered name, e.g. 郑州宇通客车股份有限公司." })
  name!: string;

  @Classified("PUBLIC")
  @Field(() => Industry)
  industry!: Industry;

  @Classified("PUBLIC")
  @Field(() => Float, { description: "Registered capital, 万元 (10 000 CNY)." })
  registeredCapital!: number;

  @Classified("PUBLIC")
  @Field(() => GraphQLDate, { description: "Date of establishment (成立日期)." })
  establishedOn!: Date;

  // Headcounts come from employment records, which the market-regulation disclosure does not publish.
  @Classified("INTERNAL")
  @Field(() => Int, { description: "Employees on record: the size of `employees`." })
  employeeCount!: number;

  /** Resolved by `EnterpriseResolver.district`. */
  districtCode!: string;
  /** Resolved by `EnterpriseResolver.legalRepresentative`. */
  legalRepresentativeId!: string;
}

@ObjectType()
export class EnterpriseConnection {
  @Classified("PUBLIC")
  @Field(() => [Enterprise])
  nodes!: Enterprise[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
