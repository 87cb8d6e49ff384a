import {
  DISTRICTS,
  Rng,
  SEED_EPOCH,
  WeightedTable,
  communityAt,
  hashString,
  mix,
  personIdAt,
  personIndexFor,
  populationSize,
  type SeedPlan,
  type SeedValue,
} from "@citygraph/core";
import { CHECKPOINTS, isTerminal, type CheckpointInfo } from "./checkpoint/checkpoint.catalog.ts";

/**
 * Checkpoints, their crossings (10 per person: 20 000 at scale 1, 10 M at scale 500) and
 * incoming-traveller registrations (1 per 20 persons). The crossings table dominates seeding, so its
 * row function works from tables built once per run: a handful of PRNG draws, binary searches and
 * string concatenations per row, no Date objects.
 */

/** Days of data before SEED_EPOCH. */
export const SEED_DAYS = 30;
/** Crossings per person. */
export const CROSSINGS_PER_PERSON = 10;
/** Registrations per person. */
export const REGISTRATIONS_PER_PERSON = 0.05;

const DAY_MS = 86_400_000;
/** Midnight, Beijing time, SEED_DAYS before the epoch: the first instant of seeded data. */
const WINDOW_START = new Date(SEED_EPOCH.getTime() - SEED_DAYS * DAY_MS);

// ---------------------------------------------------------------------------------------------
// Time of day. Weights per Beijing hour: commute peaks on workdays, a flatter, later day at weekends.

// prettier-ignore
const WORKDAY_HOURS = [0.25, 0.15, 0.1, 0.1, 0.15, 0.35, 0.9, 2.6, 3.4, 2.2, 1.4, 1.3, 1.2, 1.2, 1.3, 1.4, 1.7, 2.8, 3.3, 2.3, 1.5, 1.1, 0.8, 0.5];
// prettier-ignore
const WEEKEND_HOURS = [0.35, 0.2, 0.15, 0.12, 0.15, 0.3, 0.6, 1.0, 1.5, 1.9, 2.0, 1.9, 1.7, 1.7, 1.8, 1.9, 2.0, 2.0, 1.9, 1.7, 1.4, 1.1, 0.8, 0.5];
// prettier-ignore
/** Share of IN crossings by hour: people come into the city in the morning and leave in the evening. */
const IN_SHARE = [0.5, 0.5, 0.5, 0.5, 0.5, 0.55, 0.6, 0.64, 0.63, 0.58, 0.5, 0.5, 0.5, 0.5, 0.5, 0.48, 0.44, 0.38, 0.37, 0.42, 0.46, 0.5, 0.5, 0.5];

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));

/**
 * The hours of the seeded window with their cumulative weights. Row `i` of `n` lands at quantile
 * `(i + jitter) / n`, so rows are in time order (as an append-only log is) and follow the curve.
 */
const HOURS = (() => {
  const count = SEED_DAYS * 24;
  const weights = new Float64Array(count);
  const cumulative = new Float64Array(count);
  const prefixes: string[] = [];
  let total = 0;
  for (let h = 0; h < count; h++) {
    // Beijing calendar date of the hour: shift the UTC instant by +8 h and read it as UTC.
    const beijing = new Date(WINDOW_START.getTime() + h * 3_600_000 + 8 * 3_600_000);
    const weekday = beijing.getUTCDay();
    const hourOfDay = h % 24;
    weights[h] = (weekday === 0 || weekday === 6 ? WEEKEND_HOURS : WORKDAY_HOURS)[hourOfDay]!;
    cumulative[h] = total += weights[h]!;
    prefixes.push(`${beijing.toISOString().slice(0, 10)} ${TWO_DIGITS[hourOfDay]}:`);
  }
  return { count, weights, cumulative, prefixes, total };
})();

/** The hour bucket holding cumulative weight `w` (binary search). */
function hourAt(w: number): number {
  let lo = 0;
  let hi = HOURS.count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (HOURS.cumulative[mid]! > w) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// Cities trips start from. Road traffic is mostly local and from neighbouring Henan cities; rail
// and air bring the rest of the country.

interface City {
  name: string;
  road: number;
  terminal: number;
  /** Chance that a registration from here must be followed by quarantine or health monitoring. */
  risk: number;
}

const CITIES: readonly City[] = [
  { name: "郑州", road: 42, terminal: 8, risk: 0 },
  { name: "开封", road: 8, terminal: 1.5, risk: 0.01 },
  { name: "洛阳", road: 6, terminal: 5, risk: 0.01 },
  { name: "新乡", road: 7, terminal: 2, risk: 0.01 },
  { name: "许昌", road: 6, terminal: 2, risk: 0.01 },
  { name: "焦作", road: 4, terminal: 1, risk: 0.01 },
  { name: "平顶山", road: 3, terminal: 1.5, risk: 0.01 },
  { name: "周口", road: 3, terminal: 1.5, risk: 0.01 },
  { name: "商丘", road: 2.5, terminal: 2, risk: 0.01 },
  { name: "南阳", road: 2.5, terminal: 2.5, risk: 0.01 },
  { name: "驻马店", road: 2.5, terminal: 2, risk: 0.01 },
  { name: "漯河", road: 2, terminal: 1.5, risk: 0.01 },
  { name: "安阳", road: 2, terminal: 2, risk: 0.01 },
  { name: "信阳", road: 1.5, terminal: 2, risk: 0.01 },
  { name: "濮阳", road: 1.5, terminal: 0.5, risk: 0.01 },
  { name: "三门峡", road: 1, terminal: 1, risk: 0.01 },
  { name: "鹤壁", road: 1, terminal: 0.5, risk: 0.01 },
  { name: "济源", road: 0.8, terminal: 0.3, risk: 0.01 },
  { name: "北京", road: 0.6, terminal: 7, risk: 0.06 },
  { name: "上海", road: 0.3, terminal: 5, risk: 0.3 },
  { name: "武汉", road: 0.8, terminal: 5, risk: 0.05 },
  { name: "西安", road: 0.7, terminal: 4, risk: 0.05 },
  { name: "石家庄", road: 0.6, terminal: 3, risk: 0.08 },
  { name: "济南", road: 0.5, terminal: 2.5, risk: 0.04 },
  { name: "合肥", road: 0.4, terminal: 2, risk: 0.04 },
  { name: "太原", road: 0.4, terminal: 2, risk: 0.04 },
  { name: "南京", road: 0.2, terminal: 2, risk: 0.04 },
  { name: "杭州", road: 0.2, terminal: 2.5, risk: 0.05 },
  { name: "广州", road: 0.2, terminal: 3.5, risk: 0.2 },
  { name: "深圳", road: 0.2, terminal: 3.5, risk: 0.15 },
  { name: "长沙", road: 0.2, terminal: 2, risk: 0.04 },
  { name: "成都", road: 0.1, terminal: 2.5, risk: 0.12 },
  { name: "重庆", road: 0.1, terminal: 2, risk: 0.1 },
  { name: "天津", road: 0.2, terminal: 1.5, risk: 0.06 },
  { name: "乌鲁木齐", road: 0, terminal: 0.6, risk: 0.4 },
];

const ROAD_ORIGINS = new WeightedTable(CITIES, (c) => c.road);
const TERMINAL_ORIGINS = new WeightedTable(CITIES, (c) => c.terminal);
/** Registrations are of people arriving from elsewhere: every city but Zhengzhou, by rail/air weight. */
const TRAVEL_ORIGINS = new WeightedTable(
  CITIES.filter((c) => c.name !== "郑州"),
  (c) => c.terminal + c.road,
);

// ---------------------------------------------------------------------------------------------
// Plates (GA 36): stored without the separator dot. Residents' cars are mostly 豫A (Zhengzhou).

// Zhengzhou's 豫A, the other Henan cities (豫B 开封 ... 豫U 济源), then other provinces.
// prettier-ignore
const PLATE_PREFIXES: ReadonlyArray<readonly [string, number]> = [
  ["豫A", 880], ["豫B", 12], ["豫C", 8], ["豫D", 3], ["豫E", 3], ["豫F", 1], ["豫G", 10], ["豫H", 6], ["豫J", 2],
  ["豫K", 8], ["豫L", 3], ["豫M", 2], ["豫N", 4], ["豫P", 4], ["豫Q", 3], ["豫R", 4], ["豫S", 3], ["豫U", 1],
  ["京N", 3], ["沪A", 2], ["鄂A", 6], ["陕A", 4], ["冀A", 5], ["鲁A", 4], ["皖A", 4], ["晋A", 3], ["苏A", 3],
  ["粤B", 2], ["浙A", 2], ["湘A", 2],
];
const PREFIX_TABLE = new WeightedTable(PLATE_PREFIXES, ([, w]) => w);

const DIGIT = 48;
const D = 68;
const F = 70;
const LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"; // GA 36 leaves out I and O
const LETTER_CODES = Array.from(LETTERS, (c) => c.charCodeAt(0));
const ALNUM_CODES = [...Array.from({ length: 10 }, (_, d) => DIGIT + d), ...LETTER_CODES];
// prettier-ignore
/** Positions of two letters among five characters. */
const LETTER_PAIRS = [[0, 1], [0, 2], [0, 3], [0, 4], [1, 2], [1, 3], [1, 4], [2, 3], [2, 4], [3, 4]] as const;
const ONE_LETTER = 5 * 24 * 10_000;
const TWO_LETTERS = 10 * 24 * 24 * 1_000;
/** Distinct ordinary plate bodies: five digits, or one or two letters among digits. */
const ORDINARY_SPACE = 100_000 + ONE_LETTER + TWO_LETTERS;
/** Distinct new-energy bodies: D or F, a letter or digit, four digits. */
const NEW_ENERGY_SPACE = 2 * 34 * 10_000;

// One scratch buffer of character codes: building a plate allocates only the finished string.
const body = [0, 0, 0, 0, 0];

/** Ordinary plate body number `n` (< ORDINARY_SPACE): distinct numbers give distinct bodies. */
function ordinaryBody(n: number): string {
  let digits: number;
  let letters = 0;
  let first = 0;
  let second = 0;
  let a = -1;
  let b = -1;
  if (n < 100_000) {
    digits = n;
  } else if (n < 100_000 + ONE_LETTER) {
    let m = n - 100_000;
    a = m % 5;
    m = (m / 5) | 0;
    first = LETTER_CODES[m % 24]!;
    digits = (m / 24) | 0;
    letters = 1;
  } else {
    let m = n - 100_000 - ONE_LETTER;
    const pair = LETTER_PAIRS[m % 10]!;
    a = pair[0];
    b = pair[1];
    m = (m / 10) | 0;
    first = LETTER_CODES[m % 24]!;
    m = (m / 24) | 0;
    second = LETTER_CODES[m % 24]!;
    digits = (m / 24) | 0;
    letters = 2;
  }
  for (let pos = 4; pos >= 0; pos--) {
    if (pos === a) body[pos] = first;
    else if (letters === 2 && pos === b) body[pos] = second;
    else {
      body[pos] = DIGIT + (digits % 10);
      digits = (digits / 10) | 0;
    }
  }
  return String.fromCharCode(body[0]!, body[1]!, body[2]!, body[3]!, body[4]!);
}

/** New-energy plate body number `n`: D (battery) four times as often as F (hybrid). */
function newEnergyBody(n: number): string {
  let m = n % NEW_ENERGY_SPACE;
  const kind = m % 5 === 0 ? F : D;
  m = (m / 5) | 0;
  const second = ALNUM_CODES[m % 34]!;
  const d = ((m / 34) % 10_000) | 0;
  return String.fromCharCode(
    kind,
    second,
    DIGIT + ((d / 1000) | 0),
    DIGIT + (((d / 100) | 0) % 10),
    DIGIT + (((d / 10) | 0) % 10),
    DIGIT + (d % 10),
  );
}

// ---------------------------------------------------------------------------------------------
// Who crosses where.

/** Share of crossings made by the "regular commuters", a tenth of persons (about 55 crossings each). */
const COMMUTER_SHARE = 0.5;
/** Share of persons with a car of their own. */
const VEHICLE_OWNERS = 0.62;
/** Share of owners' cars that are new-energy vehicles. */
const NEW_ENERGY_OWNERS = 0.18;

const roadCheckpoints = CHECKPOINTS.filter((c) => !isTerminal(c.kind));
const ROAD_TABLE = new WeightedTable(roadCheckpoints, (c) => c.traffic);
const TERMINAL_TABLE = new WeightedTable(
  CHECKPOINTS.filter((c) => isTerminal(c.kind)),
  (c) => c.traffic,
);
/** Road checkpoints by index into DISTRICTS: residents mostly cross near home. */
const HOME_ROAD_TABLES = DISTRICTS.map(
  (d) =>
    new WeightedTable(
      roadCheckpoints.filter((c) => c.districtCode === d.code),
      (c) => c.traffic,
    ),
);
const DISTRICT_INDEX = new Map(DISTRICTS.map((d, i) => [d.code, i]));
const DISTRICT_TABLE = new WeightedTable(DISTRICTS, (d) => d.populationK);

/** A multiplier coprime with `n`, so `(k * m + c) % n` permutes 0..n-1. */
function coprimeStride(n: number, start: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = start;
  while (gcd(stride, n) !== 1) stride += 2;
  return stride;
}

const CROSSING_STREAM = hashString("transport.checkpoint_crossing");
const REGISTRATION_STREAM = hashString("transport.traveller_registration");
const VEHICLE_STREAM = hashString("transport.vehicle");

// prettier-ignore
/** Column order of `transport.checkpoint_crossing` rows. */
const CROSSING_COLUMNS = ["id", "person_id", "plate", "checkpoint_code", "time", "direction", "origin_city", "district_code"];

// prettier-ignore
/** Column order of `transport.traveller_registration` rows. */
const REGISTRATION_COLUMNS = ["id", "person_id", "origin_city", "arrival_date", "purpose", "quarantine_required", "district_code"];

/** The crossing and registration row functions for one population size. */
function createGenerators(scale: number) {
  const size = populationSize(scale);
  const persons = size.persons;
  const crossings = CROSSINGS_PER_PERSON * persons;
  const registrations = Math.round(REGISTRATIONS_PER_PERSON * persons);
  const commuters = Math.max(1, Math.ceil(persons / 10));
  const personStride = coprimeStride(persons, 1_000_003);
  const plateStride = coprimeStride(persons, 2_750_159);
  /** Spreads owners' plate numbers over the whole space, so a small population does not get only 豫A00xxx plates. */
  const plateSpread = Math.max(1, Math.floor(ORDINARY_SPACE / persons));
  // Same draw as the registry's personAt: person i lives in community mix(i, 7) % communities.
  const homeOfCommunity = new Uint8Array(size.communities);
  for (let j = 0; j < size.communities; j++)
    homeOfCommunity[j] = DISTRICT_INDEX.get(communityAt(j).district.code)!;
  const homeOf = (p: number) => homeOfCommunity[mix(p, 7) % size.communities]!;

  /** Plate of person `p`'s own car: unique per person for ordinary plates (a permutation of the index). */
  const ownPlate = (p: number, traits: number): string => {
    const prefix = PREFIX_TABLE.at(((traits >>> 8) & 0xffff) / 65_536)[0];
    const n = ((p * plateStride + 12_345) % persons) * plateSpread + (traits % plateSpread);
    return ((traits >>> 24) & 0xff) < NEW_ENERGY_OWNERS * 256
      ? prefix + newEnergyBody(n)
      : prefix + ordinaryBody(n % ORDINARY_SPACE);
  };
  /** A car that is not the person's own: a taxi, a ride-hailing car, a friend's. Mostly local, often electric. */
  const otherPlate = (rng: Rng): string => {
    const prefix = rng.chance(0.9) ? "豫A" : PREFIX_TABLE.at(rng.next())[0];
    const n = Math.floor(rng.next() * ORDINARY_SPACE);
    return rng.chance(0.4) ? prefix + newEnergyBody(n) : prefix + ordinaryBody(n);
  };

  const crossingRow = (i: number): SeedValue[] => {
    const rng = new Rng(mix(CROSSING_STREAM, i));
    const w = ((i + rng.next()) / crossings) * HOURS.total;
    const hour = hourAt(w);
    const second = Math.min(
      3_599,
      Math.floor(((w - (HOURS.cumulative[hour]! - HOURS.weights[hour]!)) / HOURS.weights[hour]!) * 3_600),
    );
    const time =
      HOURS.prefixes[hour]! + TWO_DIGITS[(second / 60) | 0] + ":" + TWO_DIGITS[second % 60] + "+08";

    const k =
      rng.next() < COMMUTER_SHARE ? Math.floor(rng.next() * commuters) : Math.floor(rng.next() * persons);
    const p = (k * personStride + 7) % persons;
    const traits = mix(VEHICLE_STREAM, p);
    const owner = (traits & 0xff) < VEHICLE_OWNERS * 256;
    const route = rng.next();
    let checkpoint: CheckpointInfo;
    let plate: string | null = null;
    if (route < (owner ? 0.45 : 0.3)) checkpoint = HOME_ROAD_TABLES[homeOf(p)]!.at(rng.next());
    else if (route < (owner ? 0.85 : 0.55)) checkpoint = ROAD_TABLE.at(rng.next());
    else checkpoint = TERMINAL_TABLE.at(rng.next());
    if (!isTerminal(checkpoint.kind))
      plate = owner && rng.chance(0.85) ? ownPlate(p, traits) : otherPlate(rng);
    const origin = (plate === null ? TERMINAL_ORIGINS : ROAD_ORIGINS).at(rng.next()).name;
    const direction = rng.next() < IN_SHARE[hour % 24]! ? "IN" : "OUT";
    return [i + 1, personIdAt(p), plate, checkpoint.code, time, direction, origin, checkpoint.districtCode];
  };

  const days = Array.from({ length: SEED_DAYS }, (_, d) =>
    new Date(WINDOW_START.getTime() + d * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10),
  );
  const purposes = new WeightedTable(
    [
      ["WORK", 30],
      ["BUSINESS", 22],
      ["FAMILY_VISIT", 20],
      ["TOURISM", 10],
      ["STUDY", 6],
      ["MEDICAL", 5],
      ["TRANSIT", 4],
      ["OTHER", 3],
    ] as const,
    ([, weight]) => weight,
  );

  const registrationRow = (j: number): SeedValue[] => {
    const rng = new Rng(mix(REGISTRATION_STREAM, j));
    // Like crossings, registrations are filed in arrival order.
    const day = Math.min(SEED_DAYS - 1, Math.floor(((j + rng.next()) / registrations) * SEED_DAYS));
    const p = personIndexFor("transport.traveller_registration", j, size);
    const origin = TRAVEL_ORIGINS.at(rng.next());
    const purpose = purposes.at(rng.next())[0];
    // Most registrants are residents coming home; the rest stay with family or at work elsewhere in the city.
    const destination = rng.chance(0.85) ? DISTRICTS[homeOf(p)]!.code : DISTRICT_TABLE.at(rng.next()).code;
    return [j + 1, personIdAt(p), origin.name, days[day]!, purpose, rng.chance(origin.risk), destination];
  };

  return { crossings, registrations, crossingRow, registrationRow };
}

/** Checkpoints, crossings and traveller registrations, as pure functions of the row index. */
export const transportSeed: SeedPlan = {
  schema: "transport",
  tables(scale) {
    const generators = createGenerators(scale);
    return [
      {
        table: "transport.checkpoint",
        columns: ["code", "name", "road", "kind", "district_code"],
        count: CHECKPOINTS.length,
        row: (i) => {
          const c = CHECKPOINTS[i]!;
          return [c.code, c.name, c.road, c.kind, c.districtCode];
        },
      },
      {
        table: "transport.checkpoint_crossing",
        columns: CROSSING_COLUMNS,
        count: generators.crossings,
        row: generators.crossingRow,
      },
      {
        table: "transport.traveller_registration",
        columns: REGISTRATION_COLUMNS,
        count: generators.registrations,
        row: generators.registrationRow,
      },
    ];
  },
};
