import { badUserInput } from "../errors.ts";
import { findDistrict } from "../districts.ts";
import { idNumberProblem } from "./id-number.ts";
import { creditCodeProblem } from "./credit-code.ts";

export * from "./id-number.ts";
export * from "./credit-code.ts";

/** Throws BAD_USER_INPUT naming `argumentName` unless `value` is a valid resident ID number. */
export function assertIdNumber(argumentName: string, value: string): void {
  const problem = idNumberProblem(value);
  if (problem) throw badUserInput(argumentName, problem);
}

/** Throws BAD_USER_INPUT naming `argumentName` unless `value` is a valid unified social credit code. */
export function assertCreditCode(argumentName: string, value: string): void {
  const problem = creditCodeProblem(value);
  if (problem) throw badUserInput(argumentName, problem);
}

/** Throws BAD_USER_INPUT unless `value` is the code of one of Zhengzhou's sixteen districts. */
export function assertDistrictCode(argumentName: string, value: string): void {
  if (!/^\d{6}$/.test(value)) throw badUserInput(argumentName, "must be a 6-digit GB/T 2260 code");
  if (!findDistrict(value)) throw badUserInput(argumentName, "is not a district of Zhengzhou");
}

/** A closed-open time window, validated. */
export interface DateRange {
  from?: Date;
  to?: Date;
}

/**
 * Throws BAD_USER_INPUT unless `from` precedes `to`.
 * @param maxDays optional cap on the window's length, days.
 */
export function assertDateRange(range: DateRange, maxDays?: number, names = { from: "from", to: "to" }): void {
  const { from, to } = range;
  for (const [name, value] of [[names.from, from], [names.to, to]] as const) {
    if (value && Number.isNaN(value.getTime())) throw badUserInput(name, "is not a valid date-time");
  }
  if (from && to && from.getTime() >= to.getTime()) {
    throw badUserInput(names.to, `must be later than "${names.from}"`);
  }
  if (maxDays && from && to && to.getTime() - from.getTime() > maxDays * 86_400_000) {
    throw badUserInput(names.to, `the window may span at most ${maxDays} days`);
  }
}
