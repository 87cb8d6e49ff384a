import { DISTRICTS, type DistrictInfo } from "../districts.ts";
import { makeIdNumber } from "../validation/id-number.ts";
import { Rng, WeightedTable, hashString, mix } from "./random.ts";

/**
 * The synthetic city every subgraph seeds against. Persons and communities are pure functions of
 * their index and the scale, so the health or transport seed can reference person 41 without
 * reading the registry, and every subgraph agrees on who lives where.
 */

/** Row counts of the shared population at a scale (1 = demo). */
export interface PopulationSize {
  persons: number;
  communities: number;
}

/** Scale 1 is the demo; scale 500 is 1M persons (and 10M checkpoint crossings in transport). */
export function populationSize(scale: number): PopulationSize {
  return { persons: 2_000 * scale, communities: Math.min(10_800, 100 + 22 * scale) };
}

/** The fixed instant seeds count back from, so data does not shift with the day it was seeded. */
export const SEED_EPOCH = new Date("2026-11-20T00:00:00+08:00");

const DISTRICT_TABLE = new WeightedTable(DISTRICTS, (d) => d.populationK);

const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ["王", 74], ["李", 72], ["张", 70], ["刘", 54], ["陈", 46], ["杨", 33], ["赵", 20], ["黄", 23], ["周", 19],
  ["吴", 19], ["徐", 15], ["孙", 15], ["胡", 14], ["朱", 13], ["高", 12], ["林", 12], ["何", 12], ["郭", 11],
  ["马", 11], ["罗", 9], ["梁", 8], ["宋", 8], ["郑", 8], ["谢", 7], ["韩", 7], ["唐", 7], ["冯", 7], ["于", 6],
  ["董", 6], ["萧", 6], ["程", 6], ["曹", 6], ["袁", 5], ["邓", 5], ["许", 5], ["傅", 5], ["沈", 5], ["曾", 4],
  ["彭", 4], ["吕", 4], ["苏", 4], ["卢", 4], ["蒋", 4], ["蔡", 4], ["贾", 4], ["丁", 3], ["魏", 3], ["薛", 3],
  ["叶", 3], ["阎", 3], ["司马", 0.3], ["欧阳", 0.3],
];
const SURNAME_TABLE = new WeightedTable(SURNAMES, ([, w]) => w);
const GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳志建国家豪博文轩睿泽".split("");
const GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英婷雪慧颖琳晶洁佳欣怡悦萱涵梦瑶雨诗思晓梅兰红燕倩丹萍".split("");
const PHONE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "158", "159", "176", "177", "180", "181", "185", "186", "187", "188", "189", "199"];
const ROADS = ["建设路", "中原路", "花园路", "文化路", "农业路", "金水路", "紫荆山路", "嵩山路", "大学路", "桐柏路", "航海路", "陇海路", "经三路", "纬五路", "商都路", "郑汴路", "黄河路", "东风路", "丰产路", "红旗路"];
const COMMUNITY_STEMS = ["绿城", "建业", "正商", "康桥", "永威", "鑫苑", "亚星", "锦艺", "美景", "碧桂园", "金水", "中原", "紫荆", "银河", "桐柏", "嵩山", "商城", "黄河", "龙湖", "如意"];
const COMMUNITY_SUFFIXES = ["小区", "花园", "家园", "新苑", "名门", "城", "公寓", "社区", "雅居", "华府"];
const SUBDISTRICT_STEMS = ["人民路", "建设路", "杜岭", "花园路", "文化路", "丰产路", "大石桥", "未来路", "东风路", "南阳路", "三官庙", "林山寨", "桐柏路", "绿东村", "秦岭路", "淮河路", "福华街", "京广路", "蜜蜂张", "二里岗"];

/** A residential community (小区). */
export interface SeedCommunity {
  id: number;
  name: string;
  subdistrict: string;
  district: DistrictInfo;
  households: number;
}

/** The community at index `j` (ids are `j + 1`). */
export function communityAt(j: number): SeedCommunity {
  const rng = Rng.for("community", j);
  const district = DISTRICT_TABLE.at(rng.next());
  const name = `${rng.pick(COMMUNITY_STEMS)}${rng.pick(COMMUNITY_SUFFIXES)}${j >= 200 ? `${(j % 9) + 1}期` : ""}`;
  return {
    id: j + 1,
    name,
    subdistrict: `${rng.pick(SUBDISTRICT_STEMS)}街道`,
    district,
    households: rng.int(200, 3_200),
  };
}

/** A person's pseudonymous id: 16 hex characters, unique per index (the first half is a bijection of it). */
export function personIdAt(i: number): string {
  return fmix32(i ^ 0x5bd1e995).toString(16).padStart(8, "0") + fmix32(i + 0x27d4eb2f).toString(16).padStart(8, "0");
}

/** A resident, minus the ID number (see {@link createIdNumberAllocator}). */
export interface SeedPerson {
  index: number;
  id: string;
  name: string;
  male: boolean;
  birthDate: Date;
  phone: string;
  communityId: number;
  districtCode: string;
  address: string;
}

/** Person `i` of a population of `size`. Pure: every subgraph computes the same person. */
export function personAt(i: number, size: PopulationSize): SeedPerson {
  const rng = Rng.for("person", i);
  const community = communityAt(mix(i, 7) % size.communities);
  const male = rng.chance(0.512);
  const surname = SURNAME_TABLE.at(rng.next())[0];
  const givenPool = male ? GIVEN_MALE : GIVEN_FEMALE;
  const given = rng.chance(0.7) ? rng.pick(givenPool) + rng.pick(givenPool) : rng.pick(givenPool);
  // Age pyramid, roughly: few over 80, a bulge in the 30s-50s.
  const age = Math.min(95, Math.max(0, Math.round(Math.abs(rng.normal(38, 21)))));
  const birthDate = new Date(Date.UTC(SEED_EPOCH.getUTCFullYear() - age - 1, rng.int(0, 11), rng.int(1, 28)));
  const phone = rng.pick(PHONE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, "0");
  const address =
    `河南省郑州市${community.district.name.replace(/^郑州/, "")}${community.subdistrict}${rng.pick(ROADS)}${rng.int(1, 300)}号` +
    `${community.name}${rng.int(1, 30)}号楼${rng.int(1, 4)}单元${rng.int(1, 33)}0${rng.int(1, 4)}`;
  return {
    index: i,
    id: personIdAt(i),
    name: surname + given,
    male,
    birthDate,
    phone,
    communityId: community.id,
    districtCode: community.district.code,
    address,
  };
}

/**
 * Allocates unique ID numbers in person order: the 3-digit sequence counts persons sharing an
 * address code, birth date and sex, as a registration office would. Feed persons from index 0 to
 * get the same numbers on every run (a resumed seed replays the allocation up to its start).
 */
export function createIdNumberAllocator(): (person: SeedPerson) => string {
  const counters = new Map<string, number>();
  return (person) => {
    // Zones without their own code register residents under a host division's code.
    const district = DISTRICTS.find((d) => d.code === person.districtCode)!;
    const addressCode = district.zone ? "410105" : district.code;
    const key = `${addressCode}${person.birthDate.getTime()}${person.male ? 1 : 0}`;
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    // Offices hand out sequences from different starting points; a keyed offset keeps them unique
    // (n stays far below 500 per key at any scale) while making them look issued, not counted.
    return makeIdNumber(addressCode, person.birthDate, hashString(key) + n, person.male);
  };
}

/** A uniformly drawn person index for row `index` of `stream`: how other subgraphs pick persons. */
export function personIndexFor(stream: string, index: number, size: PopulationSize): number {
  return mix(hashString(stream), index, 11) % size.persons;
}

function fmix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
