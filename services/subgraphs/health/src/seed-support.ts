import { SEED_EPOCH, hashString } from "@citygraph/core";

/**
 * Calendar and sampling helpers shared by the health seed. Days are Beijing calendar days: the
 * health commission reports per local day, and SEED_EPOCH is Beijing midnight.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Days of history the seed writes for visits and case counts; day 0 is the oldest. */
export const HISTORY_DAYS = 60;

/** The instant Beijing day `day` (0..HISTORY_DAYS-1, may be outside for look-backs) begins. */
export function dayStart(day: number): Date {
  return new Date(SEED_EPOCH.getTime() - (HISTORY_DAYS - day) * DAY_MS);
}

/** Beijing day `day` as a calendar date (a Date at UTC midnight, as PostgreSQL DATE columns read back). */
export function calendarDay(day: number): Date {
  // Beijing is UTC+8 all year: shifting by 8 hours turns the local midnight into the UTC date.
  const start = new Date(dayStart(day).getTime() + 8 * HOUR_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
}

/** `YYYY-MM-DD` of Beijing day `day`, for DATE columns. */
export function isoDay(day: number): string {
  return calendarDay(day).toISOString().slice(0, 10);
}

/** Rounds to one decimal, as thermometers at triage report. */
export function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Clamps `value` to [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** A PostgreSQL array literal for COPY's text format (the kit's row encoder writes scalars only). */
export function textArray(items: readonly string[]): string {
  // Seed vocabularies hold no quotes, commas, braces or backslashes, so elements need no quoting.
  return `{${items.join(",")}}`;
}

/**
 * A pseudo-random bijection of [0, n): `at(i) = (a·i + b) mod n` with `a` coprime to `n`. The seed
 * picks persons through it instead of `personIndexFor` because it can be inverted: the health-code
 * seed asks "did person p visit a fever clinic?" without scanning the visits.
 */
export class IndexPermutation {
  private readonly a: number;
  private readonly b: number;
  private readonly aInverse: number;

  constructor(
    readonly n: number,
    stream: string,
  ) {
    // a·i stays below n² < 2^53 for any population this platform seeds (n < 9·10^7).
    let a = hashString(stream) % n;
    while (a < 2 || gcd(a, n) !== 1) a = (a + 1) % n;
    this.a = n === 1 ? 0 : a;
    this.b = hashString(`${stream}/offset`) % n;
    this.aInverse = n === 1 ? 0 : modularInverse(this.a, n);
  }

  /** The image of `i`. */
  at(i: number): number {
    return (this.a * i + this.b) % this.n;
  }

  /** The `i` whose image is `value`. */
  indexOf(value: number): number {
    return (((((value - this.b) % this.n) + this.n) % this.n) * this.aInverse) % this.n;
  }
}

const permutations = new Map<string, IndexPermutation>();

/** The permutation of [0, n) for `stream`, built once per process. */
export function permutationOf(stream: string, n: number): IndexPermutation {
  const key = `${stream}:${n}`;
  let permutation = permutations.get(key);
  if (!permutation) permutations.set(key, (permutation = new IndexPermutation(n, stream)));
  return permutation;
}

/** A Poisson-distributed count with mean `lambda` from a uniform source (normal approximation above 30). */
export function poisson(lambda: number, next: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) {
    const sum = next() + next() + next() + next();
    return Math.max(0, Math.round(lambda + (sum - 2) * Math.sqrt(3 * lambda)));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = next(); p > limit; p *= next()) k++;
  return k;
}

function gcd(x: number, y: number): number {
  while (y) [x, y] = [y, x % y];
  return x;
}

function modularInverse(a: number, n: number): number {
  let [oldR, r] = [a, n];
  let [oldS, s] = [1, 0];
  while (r) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % n) + n) % n;
}
