/**
 * Resident identity numbers (公民身份号码), GB 11643-1999: 6-digit address code, 8-digit birth date,
 * 3-digit sequence (odd for men, even for women), and an ISO 7064 MOD 11-2 check character.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";

/** The check character for the first 17 digits of an ID number. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Why an ID number is invalid, or null when it is valid. Never includes the value itself. */
export function idNumberProblem(value: string): string | null {
  if (!/^\d{17}[\dX]$/.test(value)) return "must be 17 digits followed by a digit or X";
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1800 || date.getTime() > Date.now() || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return "characters 7-14 must be a valid birth date";
  }
  if (idNumberCheckChar(value) !== value[17]) return "check character does not match (GB 11643)";
  return null;
}

/** Builds a valid ID number from its parts. */
export function makeIdNumber(addressCode: string, birthDate: Date, sequence: number, male: boolean): string {
  const seq = sequence % 500 * 2 + (male ? 1 : 0);
  const ymd = birthDate.toISOString().slice(0, 10).replaceAll("-", "");
  const first17 = `${addressCode}${ymd}${String(seq).padStart(3, "0")}`;
  return first17 + idNumberCheckChar(first17);
}
