import { SchoolStage } from "./school.type.ts";

/**
 * Grades of China's twelve years of schooling: 1-6 primary (小学), 7-9 junior secondary (初中),
 * 10-12 senior secondary (高中). Shared by the API (class names) and the seed.
 */

/** The first and last grade taught at a stage. */
export const STAGE_GRADES: Record<SchoolStage, { first: number; last: number }> = {
  [SchoolStage.PRIMARY]: { first: 1, last: 6 },
  [SchoolStage.JUNIOR_SECONDARY]: { first: 7, last: 9 },
  [SchoolStage.SENIOR_SECONDARY]: { first: 10, last: 12 },
};

/** The lowest and highest grade of any stage. */
export const MIN_GRADE = 1;
export const MAX_GRADE = 12;

/** The stage that teaches `grade` (1-12). */
export function stageOfGrade(grade: number): SchoolStage {
  return grade <= 6
    ? SchoolStage.PRIMARY
    : grade <= 9
      ? SchoolStage.JUNIOR_SECONDARY
      : SchoolStage.SENIOR_SECONDARY;
}

const DIGITS = "零一二三四五六七八九";

/** A number from 1 to 999 in Chinese numerals, as school names and grades write it (十一, 二十, 一百零三). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new RangeError(`chineseNumeral: ${n} is outside 1-999`);
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const ones = n % 10;
  let text = "";
  if (hundreds) text += `${DIGITS[hundreds]}百`;
  if (tens) text += `${tens === 1 && !hundreds ? "" : DIGITS[tens]}十`;
  else if (hundreds && ones) text += "零";
  if (ones) text += DIGITS[ones];
  return text;
}

/** How schools name a grade: 三年级 in primary, 初二 and 高三 in secondary. */
export function gradeLabel(grade: number): string {
  if (grade <= 6) return `${chineseNumeral(grade)}年级`;
  return grade <= 9 ? `初${chineseNumeral(grade - 6)}` : `高${chineseNumeral(grade - 9)}`;
}

/** A class as it is written on notices: 三年级(2)班, 高一(11)班. */
export function className(grade: number, classNumber: number): string {
  return `${gradeLabel(grade)}(${classNumber})班`;
}
