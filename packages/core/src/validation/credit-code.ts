/**
 * Unified social credit codes (统一社会信用代码), GB 32100-2015: registration authority, entity type,
 * 6-digit administrative division, 9-character organisation code (GB 11714, with its own check
 * character), and a MOD 31 check character over the first 17.
 */

const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The GB 32100 check character for the first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** The GB 11714 check character of an 8-character organisation code body. */
export function organisationCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_CHARSET.indexOf(first8[i]!) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

/** Why a credit code is invalid, or null when it is valid. */
export function creditCodeProblem(value: string): string | null {
  if (value.length !== 18) return "must be 18 characters";
  for (const ch of value) {
    if (!CHARSET.includes(ch)) return "may contain only digits and the letters ABCDEFGHJKLMNPQRTUWXY";
  }
  if (creditCodeCheckChar(value) !== value[17]) return "check character does not match (GB 32100)";
  return null;
}

/**
 * Builds a valid credit code for a company registered by market regulation (`91`) in a division.
 * @param serial any non-negative integer; distinct serials give distinct codes.
 */
export function makeCreditCode(divisionCode: string, serial: number): string {
  let body = "";
  for (let n = serial, i = 0; i < 8; i++, n = Math.floor(n / CHARSET.length)) {
    body = CHARSET[n % CHARSET.length]! + body;
  }
  const first17 = `91${divisionCode}${body}${organisationCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
}
