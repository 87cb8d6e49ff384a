import {
  DISTRICTS,
  Rng,
  SEED_EPOCH,
  WeightedTable,
  makeCreditCode,
  mix,
  personAt,
  personIdAt,
  populationSize,
  type DistrictInfo,
  type PopulationSize,
  type SeedPlan,
} from "@citygraph/core";
// The database enums, so that the seed cannot drift from the schema it writes.
import type { Industry, ResumptionStatus } from "../prisma/generated/enums.ts";

/**
 * Enterprises, employment and work-resumption applications of the shared synthetic city.
 *
 * Enterprise and application rows are pure functions of their index. Employment needs to know
 * who is of working age, so a per-scale plan (who is employed, by whom, and each enterprise's
 * headcount) is computed once from `personAt` and cached; every row is then a pure lookup into it,
 * so a seed resumes anywhere and an interrupted run writes what an uninterrupted one would.
 */

/** Enterprises per resident: about one registered company for every fifty residents. */
export const ENTERPRISES_PER_PERSON = 0.02;
/** Share of 18-60 year-olds who hold a job on record. */
export const EMPLOYMENT_RATE = 0.6;
/** Working ages, inclusive, at {@link SEED_EPOCH}. */
export const WORKING_AGE = { min: 18, max: 60 } as const;
/** The epidemic wave the applications belong to: it began this many days before the epoch. */
export const RESUMPTION_WAVE_DAYS = 42;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Zhengzhou keeps UTC+8 all year; calendar dates below are local dates. */
const LOCAL_OFFSET_MS = 8 * HOUR_MS;
const EPOCH_MS = SEED_EPOCH.getTime();
const WAVE_START_MS = EPOCH_MS - RESUMPTION_WAVE_DAYS * DAY_MS;

interface IndustryProfile {
  code: Industry;
  /** Relative share of registered enterprises (market-entity statistics, rounded). */
  share: number;
  /** Typical staff of one enterprise; sizes spread log-normally around it. */
  staff: number;
  /** Typical registered capital, 万元. */
  capital: number;
  /** Legal floor of registered capital, 万元 (micro-lenders and guarantors have one). */
  minCapital: number;
  /** Business descriptors that go between the name stem and the company form. */
  trades: readonly string[];
  positions: readonly string[];
  /** District preferences relative to population: industrial zones, the CBD, mining counties. */
  districts?: Readonly<Record<string, number>>;
  /** Preference of the districts `districts` does not list. Default 1. */
  elsewhere?: number;
}

const COUNTIES = { "410122": 3, "410181": 3, "410182": 3, "410183": 3, "410184": 3, "410185": 3, "410108": 2 };

const INDUSTRY_PROFILES: readonly IndustryProfile[] = [
  { code: "AGRICULTURE", share: 3, staff: 8, capital: 200, minCapital: 3, trades: ["农业科技", "生态农业", "农业开发", "苗木花卉", "畜牧", "果蔬种植"], positions: ["种植技术员", "农机手", "饲养员", "农艺师", "农产品分拣员"], districts: COUNTIES, elsewhere: 0.3 },
  { code: "MINING", share: 0.3, staff: 60, capital: 3_000, minCapital: 100, trades: ["矿业", "煤业", "铝土矿业", "石料"], positions: ["采掘工", "矿山安全员", "爆破员", "矿山机电工", "地质工程师"], districts: { "410183": 8, "410185": 8, "410181": 5 }, elsewhere: 0.05 },
  { code: "MANUFACTURING", share: 10, staff: 45, capital: 1_000, minCapital: 10, trades: ["客车", "机械制造", "食品", "电子科技", "新材料", "铝业", "耐材", "汽车零部件", "纺织服饰", "制药", "重工", "智能装备", "速冻食品", "电缆"], positions: ["生产操作工", "装配工", "质检员", "设备维修工", "车间主任", "工艺工程师", "焊工", "仓库管理员"], districts: { "410173": 3, "410171": 3, "410181": 2, "410182": 1.5, "410183": 1.5, "410122": 1.5, "410184": 1.5, "410105": 0.4, "410190": 0.3 } },
  { code: "UTILITIES", share: 1, staff: 40, capital: 5_000, minCapital: 100, trades: ["热力", "燃气", "新能源", "供水", "光伏能源"], positions: ["运行值班员", "管网维修工", "抄表员", "热力工程师", "调度员"] },
  { code: "CONSTRUCTION", share: 7, staff: 30, capital: 2_000, minCapital: 50, trades: ["建设工程", "建筑工程", "路桥工程", "装饰工程", "市政工程", "建筑安装工程"], positions: ["施工员", "项目经理", "安全员", "造价工程师", "钢筋工", "木工", "资料员"] },
  { code: "WHOLESALE_RETAIL", share: 30, staff: 6, capital: 100, minCapital: 1, trades: ["商贸", "贸易", "超市", "百货", "电子商务", "农产品批发", "汽车销售服务", "医药连锁"], positions: ["营业员", "收银员", "店长", "采购员", "理货员", "销售代表"], districts: { "410104": 1.5, "410103": 1.5, "410102": 1.2 } },
  { code: "TRANSPORT_LOGISTICS", share: 3, staff: 25, capital: 500, minCapital: 10, trades: ["物流", "供应链管理", "运输", "快递", "冷链物流", "航空货运代理"], positions: ["货车司机", "调度员", "仓储管理员", "快递员", "分拣员", "报关员"], districts: { "410171": 3, "410173": 2, "410104": 1.5, "410122": 1.5 } },
  { code: "ACCOMMODATION_CATERING", share: 3, staff: 12, capital: 50, minCapital: 1, trades: ["餐饮管理", "酒店管理", "餐饮服务", "烩面餐饮", "宾馆"], positions: ["厨师", "服务员", "前台接待", "客房服务员", "餐厅经理", "面点师"], districts: { "410105": 1.3, "410103": 1.3 } },
  { code: "IT_SERVICES", share: 6, staff: 20, capital: 300, minCapital: 3, trades: ["信息技术", "软件", "网络科技", "数据科技", "智能科技", "通信技术"], positions: ["软件工程师", "测试工程师", "产品经理", "运维工程师", "前端工程师", "数据分析师"], districts: { "410172": 5, "410105": 2, "410190": 2 } },
  { code: "FINANCE", share: 1.5, staff: 25, capital: 10_000, minCapital: 5_000, trades: ["小额贷款", "融资担保", "融资租赁", "资产管理", "典当"], positions: ["客户经理", "风控专员", "信贷员", "柜员", "财务分析师", "合规专员"], districts: { "410190": 5, "410105": 2 } },
  { code: "REAL_ESTATE", share: 4, staff: 20, capital: 2_000, minCapital: 50, trades: ["置业", "房地产开发", "物业服务", "房地产经纪"], positions: ["置业顾问", "物业管理员", "工程主管", "保安员", "保洁员", "客服专员"], districts: { "410190": 2, "410105": 1.5 } },
  { code: "LEASING_BUSINESS_SERVICES", share: 14, staff: 8, capital: 200, minCapital: 3, trades: ["企业管理咨询", "人力资源", "广告传媒", "会展服务", "商务信息咨询", "设备租赁"], positions: ["咨询顾问", "招聘专员", "客户经理", "策划专员", "设计师"], districts: { "410190": 1.8, "410105": 1.5 } },
  { code: "SCIENTIFIC_RESEARCH", share: 8, staff: 12, capital: 300, minCapital: 3, trades: ["检测技术", "工程设计", "环保科技", "生物技术", "测绘", "技术研究院"], positions: ["研发工程师", "检测员", "实验员", "设计工程师", "测绘员"], districts: { "410172": 3, "410105": 1.5 } },
  { code: "WATER_ENVIRONMENT", share: 1, staff: 30, capital: 500, minCapital: 10, trades: ["环境工程", "园林绿化工程", "环卫服务", "水务"], positions: ["环卫工", "绿化工", "环境工程师", "水质检测员"] },
  { code: "RESIDENT_SERVICES", share: 3, staff: 6, capital: 30, minCapital: 1, trades: ["家政服务", "汽车维修服务", "洗涤服务", "保洁服务", "美容美发"], positions: ["家政服务员", "汽车维修工", "保洁员", "美发师", "客服专员"] },
  { code: "EDUCATION", share: 1.5, staff: 15, capital: 100, minCapital: 3, trades: ["教育科技", "职业技能培训", "文化培训"], positions: ["培训讲师", "课程顾问", "教务专员", "班主任"], districts: { "410105": 1.8, "410102": 1.3 } },
  { code: "HEALTHCARE", share: 1, staff: 35, capital: 500, minCapital: 10, trades: ["健康管理", "医院管理", "养老服务", "康复医疗", "口腔医疗"], positions: ["医生", "护士", "药剂师", "康复治疗师", "护理员"] },
  { code: "CULTURE_SPORTS_ENTERTAINMENT", share: 3, staff: 10, capital: 100, minCapital: 3, trades: ["文化传媒", "体育发展", "影视文化", "文化旅游", "出版传媒"], positions: ["编辑", "摄像师", "主持人", "健身教练", "导游"], districts: { "410185": 2, "410105": 1.3 } },
];

const INDUSTRY_TABLE = new WeightedTable(INDUSTRY_PROFILES, (p) => p.share);
/** Where each industry's enterprises register: resident population times the industry's preference. */
const DISTRICT_TABLES = new Map(
  INDUSTRY_PROFILES.map((p) => [p.code, new WeightedTable(DISTRICTS, (d) => d.populationK * (p.districts?.[d.code] ?? p.elsewhere ?? 1))]),
);
/** Jobs every enterprise has besides its trade's own. */
const OFFICE_POSITIONS = ["会计", "出纳", "行政专员", "人事专员", "部门经理", "司机"];

const STEM_HEADS = "宇华中鑫恒豫天瑞博泰金嘉汇正盛德信润宏兴安康永利联创智新东明".split("");
const STEM_TAILS = "通信达瑞发伦祥远源禾丰弘邦辉诚和昌隆科航盈越晟锦程峰立阳".split("");
/** County-level cities and the county put their own name first; the city's districts say 郑州. */
const COUNTY_PREFIX: Readonly<Record<string, string>> = {
  "410122": "中牟县",
  "410181": "巩义市",
  "410182": "荥阳市",
  "410183": "新密市",
  "410184": "新郑市",
  "410185": "登封市",
};

/** An enterprise as the seed draws it, before employment is apportioned. */
export interface SeedEnterprise {
  index: number;
  creditCode: string;
  /** Unique within the plan (see {@link employmentPlan}); `enterpriseAt` alone may repeat a name. */
  name: string;
  /** Prefix, stem, trade and form: what `name` is built from, kept to disambiguate it. */
  nameParts: readonly [string, string, string, string];
  industry: Industry;
  profile: IndustryProfile;
  district: DistrictInfo;
  /** Relative size: staff are apportioned in proportion to it. */
  sizeWeight: number;
  /** 万元, at most 4 decimals. */
  registeredCapital: number;
  /** UTC midnight of the local calendar date. */
  establishedOn: Date;
  /** The age the seed looks for when choosing a legal representative among the staff. */
  representativeAge: number;
}

/** The number of enterprises at a population size. */
export function enterpriseCount(size: PopulationSize): number {
  return Math.max(1, Math.round(size.persons * ENTERPRISES_PER_PERSON));
}

/** Enterprise `e`. Pure: the same on every run and in every process. */
export function enterpriseAt(e: number): SeedEnterprise {
  const rng = Rng.for("enterprise", e);
  const profile = INDUSTRY_TABLE.at(rng.next());
  const district = DISTRICT_TABLES.get(profile.code)!.at(rng.next());
  // Log-normal: most enterprises are small, a few employ hundreds.
  const sizeFactor = Math.exp(rng.normal(0, 1.1));
  const form = sizeFactor > 4 && rng.chance(0.5) ? "股份有限公司" : rng.chance(0.88) ? "有限公司" : "有限责任公司";
  const stem = rng.pick(STEM_HEADS) + rng.pick(STEM_TAILS);
  const nameParts = [namePrefix(district, rng), stem, rng.pick(profile.trades), form] as const;
  const rawCapital = Math.max(profile.minCapital, profile.capital * sizeFactor ** 0.8 * Math.exp(rng.normal(0, 0.5)));
  // Licences mostly state round sums; joint-stock companies state their exact share capital.
  const registeredCapital = form === "股份有限公司" && rng.chance(0.6) ? Math.round(rawCapital * 10_000) / 10_000 : roundCapital(rawCapital);
  // Registrations grew ~12% a year since the 1990s; nothing is younger than the epidemic wave.
  const year = 1990 + Math.floor(Math.log(1 + rng.next() * (Math.exp(0.12 * 37) - 1)) / 0.12);
  const established = Math.min(Date.UTC(year, rng.int(0, 11), rng.int(1, 28)), localDay(WAVE_START_MS) - 60 * DAY_MS);
  // Zones register through the city's bureau (4101 00); districts and counties through their own.
  const division = district.zone ? "410100" : district.code;
  return {
    index: e,
    creditCode: makeCreditCode(division, organisationSerial(e, established)),
    name: nameParts.join(""),
    nameParts,
    industry: profile.code,
    profile,
    district,
    sizeWeight: profile.staff * sizeFactor,
    registeredCapital,
    establishedOn: new Date(established),
    representativeAge: Math.round(Math.min(58, Math.max(28, rng.normal(46, 8)))),
  };
}

function namePrefix(district: DistrictInfo, rng: Rng): string {
  const county = COUNTY_PREFIX[district.code];
  if (county) return rng.chance(0.8) ? county : "郑州";
  const u = rng.next();
  if (u < 0.2) return "河南";
  if (u < 0.3 && !district.zone) return `郑州市${district.name}`;
  if (u < 0.35 && district.code === "410171") return "郑州航空港区";
  return "郑州";
}

/** 1, 2, 3, 5 or 8 times a power of ten, never below 1. */
function roundCapital(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(1, value)));
  const mantissa = value / magnitude;
  const nice = [1, 2, 3, 5, 8, 10].find((m, k, all) => mantissa < (m + (all[k + 1] ?? m)) / 2) ?? 10;
  return nice * magnitude;
}

/**
 * The serial `makeCreditCode` spells in base 31 as the 8-character organisation-code body.
 * Registrations since the 2015 三证合一 reform carry bodies beginning "MA"; older enterprises kept
 * their all-digit GB 11714 codes (mostly 7xxxxxxx in Henan). Affine bijections keep serials
 * distinct without looking sequential.
 */
function organisationSerial(e: number, established: number): number {
  if (established >= Date.UTC(2015, 9, 1)) {
    return (21 * 31 + 10) * 31 ** 6 + ((e * 7_368_787 + 193_877_777) % 31 ** 6);
  }
  const digits = String(70_000_000 + ((e * 3_367_949 + 1_234_567) % 10_000_000));
  let serial = 0;
  for (const digit of digits) serial = serial * 31 + Number(digit);
  return serial;
}

/** UTC midnight of the Zhengzhou calendar date at instant `ms`. */
function localDay(ms: number): number {
  return Math.floor((ms + LOCAL_OFFSET_MS) / DAY_MS) * DAY_MS;
}

/** Full years from `birth` (UTC midnight of a calendar date) to the local date at `atMs`. */
function ageAt(birth: Date, atMs: number): number {
  const at = new Date(localDay(atMs));
  let age = at.getUTCFullYear() - birth.getUTCFullYear();
  if (at.getUTCMonth() < birth.getUTCMonth() || (at.getUTCMonth() === birth.getUTCMonth() && at.getUTCDate() < birth.getUTCDate())) {
    age--;
  }
  return age;
}

/**
 * Who works where at one scale. Arrays are indexed by employment row (`employed`, `employerOf`)
 * or by enterprise (`headcount`, `representative`).
 */
export interface EmploymentPlan {
  size: PopulationSize;
  enterprises: readonly SeedEnterprise[];
  /** Person indexes of working-age residents, ascending. */
  eligible: Int32Array;
  /** Person indexes of the employed, ascending: employment row `k` is person `employed[k]`. */
  employed: Int32Array;
  /** Enterprise index of employment row `k`. */
  employerOf: Int32Array;
  /** Birth date (ms) of the person at employment row `k`: rows need it, and `personAt` is the slow part. */
  birth: Float64Array;
  /** Employment rows per enterprise: its `employee_count`. */
  headcount: Int32Array;
  /** Person index of each enterprise's legal representative. */
  representative: Int32Array;
  /** Whether the person at employment row `k` is the legal representative of their employer. */
  isRepresentative: Uint8Array;
  /** Enterprises that filed a second application, ascending. */
  secondApplicants: Int32Array;
}

// One entry: a seed run works at one scale, and the plan at scale 500 holds ~1M-element arrays.
let cachedPlan: EmploymentPlan | undefined;

/** The plan at `scale`, computed once (about two seconds at scale 500) and cached. */
export function employmentPlan(scale: number): EmploymentPlan {
  if (cachedPlan?.size.persons === populationSize(scale).persons) return cachedPlan;
  cachedPlan = buildEmploymentPlan(populationSize(scale));
  return cachedPlan;
}

function buildEmploymentPlan(size: PopulationSize): EmploymentPlan {
  const enterprises = uniqueNames(Array.from({ length: enterpriseCount(size) }, (_, e) => enterpriseAt(e)));
  const eligible: number[] = [];
  const employed: number[] = [];
  const ages: number[] = [];
  const births: number[] = [];
  for (let i = 0; i < size.persons; i++) {
    const birthDate = personAt(i, size).birthDate;
    const age = ageAt(birthDate, EPOCH_MS);
    if (age < WORKING_AGE.min || age > WORKING_AGE.max) continue;
    eligible.push(i);
    if (!Rng.for("enterprise.employed", i).chance(EMPLOYMENT_RATE)) continue;
    employed.push(i);
    ages.push(age);
    births.push(birthDate.getTime());
  }
  const n = employed.length;
  const headcount = apportion(enterprises.map((x) => x.sizeWeight), n);
  // Blocks of consecutive slots belong to one enterprise; a bijection of row -> slot spreads each
  // enterprise's staff over the whole population instead of one run of person indexes.
  const starts = new Int32Array(enterprises.length + 1);
  for (let e = 0; e < enterprises.length; e++) starts[e + 1] = starts[e]! + headcount[e]!;
  const stride = coprimeNear(n, 0.618_034);
  const employerOf = new Int32Array(n);
  for (let k = 0; k < n; k++) employerOf[k] = blockOf(starts, (stride * k + 7) % n);
  // The legal representative is the member of staff closest to the age the enterprise drew.
  const representativeRow = new Int32Array(enterprises.length).fill(-1);
  for (let k = 0; k < n; k++) {
    const e = employerOf[k]!;
    const best = representativeRow[e]!;
    const target = enterprises[e]!.representativeAge;
    if (best < 0 || Math.abs(ages[k]! - target) < Math.abs(ages[best]! - target)) representativeRow[e] = k;
  }
  const representative = new Int32Array(enterprises.length);
  const isRepresentative = new Uint8Array(n);
  for (let e = 0; e < enterprises.length; e++) {
    const k = representativeRow[e]!;
    if (k >= 0) {
      representative[e] = employed[k]!;
      isRepresentative[k] = 1;
    } else {
      // Only when there are fewer workers than enterprises (tiny populations): a resident of working age.
      representative[e] = eligible.length ? eligible[mix(e, 3) % eligible.length]! : mix(e, 3) % size.persons;
    }
  }
  const secondApplicants = enterprises.filter((x) => resumptionTimeline(x.index).length === 2).map((x) => x.index);
  return {
    size,
    enterprises,
    eligible: Int32Array.from(eligible),
    employed: Int32Array.from(employed),
    employerOf,
    birth: Float64Array.from(births),
    headcount,
    representative,
    isRepresentative,
    secondApplicants: Int32Array.from(secondApplicants),
  };
}

/**
 * Registration authorities refuse a name already taken: a later enterprise whose name repeats an
 * earlier one gets a third stem character. A name depends only on lower indexes, so it is the
 * same at every scale.
 */
function uniqueNames(enterprises: SeedEnterprise[]): SeedEnterprise[] {
  const taken = new Set<string>();
  return enterprises.map((x) => {
    let name = x.name;
    for (let attempt = 0; taken.has(name); attempt++) {
      const [prefix, stem, trade, form] = x.nameParts;
      const extra = STEM_TAILS[mix(x.index, attempt) % STEM_TAILS.length]!;
      name = `${prefix}${stem}${extra}${attempt >= STEM_TAILS.length ? attempt : ""}${trade}${form}`;
    }
    taken.add(name);
    return name === x.name ? x : { ...x, name };
  });
}

/** Splits `total` in proportion to `weights` (largest remainder), at least 1 each when total allows. */
function apportion(weights: readonly number[], total: number): Int32Array {
  const counts = new Int32Array(weights.length);
  const base = total >= weights.length ? 1 : 0;
  const rest = total - base * weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const remainders: [number, number][] = [];
  let given = 0;
  weights.forEach((w, e) => {
    const exact = (rest * w) / sum;
    counts[e] = base + Math.floor(exact);
    given += Math.floor(exact);
    remainders.push([exact - Math.floor(exact), e]);
  });
  remainders.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let r = 0; r < rest - given; r++) counts[remainders[r]![1]]!++;
  return counts;
}

function coprimeNear(n: number, fraction: number): number {
  if (n <= 2) return 1;
  let a = Math.max(1, Math.floor(n * fraction));
  while (gcd(a, n) !== 1) a++;
  return a;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The block (enterprise) holding `slot`: the last start not greater than it. */
function blockOf(starts: Int32Array, slot: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= slot) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Employment row `k` of a plan. */
export function employmentAt(plan: EmploymentPlan, k: number) {
  const personIndex = plan.employed[k]!;
  const enterprise = plan.enterprises[plan.employerOf[k]!]!;
  const birth = new Date(plan.birth[k]!);
  const adult = Date.UTC(birth.getUTCFullYear() + WORKING_AGE.min, birth.getUTCMonth(), birth.getUTCDate());
  const earliest = Math.max(enterprise.establishedOn.getTime(), adult);
  const latest = localDay(EPOCH_MS) - DAY_MS;
  const rng = Rng.for("enterprise.employment", personIndex);
  let position: string;
  let since: number;
  if (plan.isRepresentative[k]) {
    position = enterprise.name.endsWith("股份有限公司") ? "董事长" : "执行董事兼总经理";
    since = earliest;
  } else {
    position = rng.chance(0.15) ? rng.pick(OFFICE_POSITIONS) : rng.pick(enterprise.profile.positions);
    // Tenure is roughly exponential with a five-year mean, cut at the enterprise's founding.
    const tenure = -Math.log(1 - rng.next()) * 5 * 365 * DAY_MS;
    since = Math.max(earliest, Math.floor((latest - tenure) / DAY_MS) * DAY_MS);
  }
  return {
    personId: personIdAt(personIndex),
    creditCode: enterprise.creditCode,
    position,
    since: new Date(Math.min(since, latest)),
    districtCode: enterprise.district.code,
  };
}

/** The timing and outcome of one application; headcounts and texts are drawn per row. */
interface ResumptionStep {
  submittedAt: number;
  status: ResumptionStatus;
  /** When the district decided or the applicant withdrew; undefined while pending. */
  decidedAt?: number;
}

/**
 * An enterprise's applications in the wave, oldest first: one, or a rejected or withdrawn one
 * followed by a second attempt. Decisions later than the epoch have not happened yet: pending.
 */
export function resumptionTimeline(e: number): ResumptionStep[] {
  const rng = Rng.for("enterprise.resumption", e);
  // Most applied in the first fortnight, as soon as the window opened.
  const firstDay = Math.floor(RESUMPTION_WAVE_DAYS * rng.next() ** 1.8);
  const submittedAt = WAVE_START_MS + firstDay * DAY_MS + officeHours(rng);
  const decidedAt = submittedAt + rng.int(4, 60) * HOUR_MS + rng.int(0, 3_599_999);
  const retried = firstDay <= 30 && rng.chance(0.35);
  if (!retried) {
    const u = rng.next();
    const status: ResumptionStatus = u < 0.88 ? "APPROVED" : u < 0.96 ? "REJECTED" : "WITHDRAWN";
    return [decidedAt < EPOCH_MS ? { submittedAt, status, decidedAt } : { submittedAt, status: "SUBMITTED" }];
  }
  const first: ResumptionStep = { submittedAt, status: rng.chance(0.7) ? "REJECTED" : "WITHDRAWN", decidedAt };
  const secondAt = localDay(decidedAt) - LOCAL_OFFSET_MS + rng.int(1, 6) * DAY_MS + officeHours(rng);
  const secondDecided = secondAt + rng.int(4, 60) * HOUR_MS + rng.int(0, 3_599_999);
  const secondStatus: ResumptionStatus = rng.chance(0.92) ? "APPROVED" : "REJECTED";
  // Retries start by day 30 and land within a week, so the second submission precedes the epoch.
  const second: ResumptionStep =
    secondDecided < EPOCH_MS
      ? { submittedAt: secondAt, status: secondStatus, decidedAt: secondDecided }
      : { submittedAt: secondAt, status: "SUBMITTED" };
  return [first, second];
}

/** A random instant between 08:00 and 20:00 local time, as an offset from local midnight. */
function officeHours(rng: Rng): number {
  return 8 * HOUR_MS + rng.int(0, 12 * 3_600 - 1) * 1_000 + rng.int(0, 999);
}

const MEASURES = [
  "员工每日上岗前两次测温并登记",
  "入厂人员逐一核验健康码和行程码",
  "办公和生产区域每日消毒两次并开窗通风",
  "实行错峰上下班、错峰就餐",
  "食堂分餐制，禁止聚集就餐",
  "设置临时隔离观察室",
  "外地返郑人员居家观察14天后返岗",
  "返岗人员持48小时内核酸检测阴性证明",
  "会议改为线上召开，减少人员聚集",
  "班车限载50%并每趟消毒",
  "建立员工健康台账，专人负责疫情报告",
];
const APPROVAL_NOTES = ["同意复工，请严格落实各项防控措施。", "同意复工，属地街道将进行现场检查。", "材料齐全，准予复工。"];
const REDUCED_NOTE = "同意复工，首批返岗人数予以核减，请分批有序返岗。";
const REJECTION_NOTES = [
  "防疫物资储备不足，请补充后重新申请。",
  "未设置隔离观察室，不符合复工条件。",
  "返岗人员健康信息登记不全，请完善后重新提交。",
  "所在区域为中高风险区，暂缓复工。",
];

/**
 * Application row `j`: rows below the enterprise count are every enterprise's first application
 * (row `e` is enterprise `e`'s); the rest are the second applications, in enterprise order.
 */
export function applicationAt(plan: EmploymentPlan, j: number) {
  const count = plan.enterprises.length;
  const e = j < count ? j : plan.secondApplicants[j - count]!;
  const step = resumptionTimeline(e)[j < count ? 0 : 1]!;
  const enterprise = plan.enterprises[e]!;
  const rng = Rng.for("enterprise.resumption.row", j);
  const staff = Math.max(1, plan.headcount[e]!);
  const requested = Math.max(1, Math.ceil(staff * (0.4 + 0.6 * rng.next())));
  const reduced = step.status === "APPROVED" && rng.chance(0.3);
  const approved = step.status !== "APPROVED" ? null : reduced ? Math.max(1, Math.floor(requested * (0.6 + 0.3 * rng.next()))) : requested;
  const measures = pickDistinct(rng, MEASURES, rng.int(3, 5));
  measures.push(`储备口罩${roundTo(requested * rng.int(20, 40), 100)}只、消毒液${Math.max(5, roundTo(requested * 0.5, 5))}升`);
  let note: string | null = null;
  if (step.status === "APPROVED") note = reduced && approved! < requested ? REDUCED_NOTE : rng.chance(0.6) ? rng.pick(APPROVAL_NOTES) : null;
  else if (step.status === "REJECTED") note = rng.pick(REJECTION_NOTES);
  else if (step.status === "WITHDRAWN") note = "企业主动撤回申请。";
  return {
    id: j + 1,
    creditCode: enterprise.creditCode,
    districtCode: enterprise.district.code,
    submittedAt: new Date(step.submittedAt),
    status: step.status,
    plannedResumptionDate: new Date(localDay(step.submittedAt) + rng.int(2, 7) * DAY_MS),
    approvedAt: step.status === "APPROVED" ? new Date(step.decidedAt!) : null,
    headcountRequested: requested,
    headcountApproved: approved,
    preventionMeasures: measures.join("；") + "。",
    reviewerNote: note,
  };
}

function pickDistinct<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length) picked.push(pool.splice(Math.floor(rng.next() * pool.length), 1)[0]!);
  return picked;
}

function roundTo(value: number, step: number): number {
  return Math.max(step, Math.round(value / step) * step);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Enterprises, then employment and applications (both reference enterprises). */
export const enterpriseSeed: SeedPlan = {
  schema: "enterprise",
  tables(scale) {
    // Computed on first use, not here: listing the tables (e.g. for --reset) stays instant.
    const plan = () => employmentPlan(scale);
    const size = populationSize(scale);
    return [
      {
        table: "enterprise.enterprise",
        columns: ["credit_code", "name", "industry", "district_code", "registered_capital", "established_on", "employee_count", "legal_representative_id"],
        count: enterpriseCount(size),
        row: (e) => {
          const p = plan();
          const x = p.enterprises[e]!;
          return [x.creditCode, x.name, x.industry, x.district.code, x.registeredCapital, isoDate(x.establishedOn), p.headcount[e]!, personIdAt(p.representative[e]!)];
        },
      },
      {
        table: "enterprise.employment",
        columns: ["person_id", "enterprise_credit_code", "position", "since", "district_code"],
        get count() {
          return plan().employed.length;
        },
        row: (k) => {
          const x = employmentAt(plan(), k);
          return [x.personId, x.creditCode, x.position, isoDate(x.since), x.districtCode];
        },
      },
      {
        table: "enterprise.resumption_application",
        columns: [
          "id",
          "enterprise_credit_code",
          "district_code",
          "submitted_at",
          "status",
          "planned_resumption_date",
          "approved_at",
          "headcount_requested",
          "headcount_approved",
          "prevention_measures",
          "reviewer_note",
        ],
        get count() {
          return plan().enterprises.length + plan().secondApplicants.length;
        },
        row: (j) => {
          const x = applicationAt(plan(), j);
          return [
            x.id,
            x.creditCode,
            x.districtCode,
            x.submittedAt,
            x.status,
            isoDate(x.plannedResumptionDate),
            x.approvedAt,
            x.headcountRequested,
            x.headcountApproved,
            x.preventionMeasures,
            x.reviewerNote,
          ];
        },
      },
    ];
  },
};
