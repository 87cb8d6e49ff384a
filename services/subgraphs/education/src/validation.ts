import { assertDateRange, badUserInput, decodeCursor, type CursorKey } from "@citygraph/core";
import { MAX_GRADE, MIN_GRADE } from "./school/school.grades.ts";

/** Longest window a health-check query may span: one school term's quarter. */
export const MAX_REPORT_WINDOW_DAYS = 92;

/** A positive integer id from an `ID` argument, or BAD_USER_INPUT naming the argument. */
export function parseIntegerId(argumentName: string, value: string): number {
  const id = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) {
    throw badUserInput(argumentName, "must be a positive integer");
  }
  return id;
}

/** Decodes `after` whose parts are all integers (grade, class number, id). */
export function decodeIntegerCursor(after: string | null | undefined, arity: number): CursorKey | undefined {
  return decodeCursor(after, Array.from({ length: arity }, () => "int" as const));
}

/** A grade filter: 1-12 or absent. */
export function parseGrade(argumentName: string, grade: number | null | undefined): number | undefined {
  if (grade === null || grade === undefined) return undefined;
  if (!Number.isInteger(grade) || grade < MIN_GRADE || grade > MAX_GRADE) {
    throw badUserInput(argumentName, `must be a grade from ${MIN_GRADE} to ${MAX_GRADE}`);
  }
  return grade;
}

/** A closed-open window of report dates: `from` before `to`, at most {@link MAX_REPORT_WINDOW_DAYS}. */
export function parseReportWindow(from: Date, to: Date): { from: Date; to: Date } {
  assertDateRange({ from, to }, MAX_REPORT_WINDOW_DAYS);
  return { from, to };
}
