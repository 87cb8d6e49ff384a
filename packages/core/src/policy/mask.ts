import type { PersonalKind } from "./classification.ts";

/** Replaces a value with its masked form; the result keeps the field's GraphQL type. */
export type Masker = (value: string) => string;

const COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐"];

/** Masks all but the first `keepStart` and last `keepEnd` characters (by code point). */
function keepEnds(value: string, keepStart: number, keepEnd: number): string {
  const chars = [...value];
  if (chars.length <= keepStart + keepEnd) return "*".repeat(chars.length);
  return chars.slice(0, keepStart).join("") + "*".repeat(chars.length - keepStart - keepEnd) + chars.slice(chars.length - keepEnd).join("");
}

/**
 * The masking rule of each kind that has one. The same rule applies everywhere a kind appears, so a
 * masked value cannot be unmasked by asking for it through another path.
 */
export const MASKERS: Partial<Record<PersonalKind, Masker>> = {
  /**
   * 410105199003071234 → 410105**********34: the region, the last sequence digit and the check
   * digit; the birth date never shows (see `INFERENCE_RULES`, which picks a stronger variant when
   * other grants reveal more).
   */
  ID_NUMBER: (v) => keepEnds(v, 6, 2),
  /** 13812345678 → 138****5678 */
  PHONE: (v) => keepEnds(v, 3, 4),
  /** 张三丰 and 张三 → 张**; 欧阳娜娜 → 欧阳**: a fixed-length tail, so the mask does not tell the name's length. */
  NAME: (v) => {
    const surname = COMPOUND_SURNAMES.find((s) => v.startsWith(s)) ?? [...v][0] ?? "";
    return `${surname}**`;
  },
  /**
   * Cut to the community: everything from the building (楼/栋/幢), unit (单元) or room on is
   * dropped. An address without those markers fails closed: it keeps only its administrative part
   * (up to the last 区/县/市/镇/乡/街道) and masks the rest.
   */
  ADDRESS: (v) => {
    const cut = v.search(/\d+\s*(号楼|栋|幢|单元|室|号院)/);
    if (cut > 0) return v.slice(0, cut);
    const area = /^.*(区|县|市|镇|乡|街道)/u.exec(v.replace(/\d.*$/u, ""));
    return area ? `${area[0]}***` : "***";
  },
  /** 1990-03-07 → 1990 (a reduced-precision ISO 8601 date). */
  BIRTH_DATE: (v) => v.slice(0, 4),
  /** 豫A12345 → 豫****45: the province and the last two characters. */
  PLATE: (v) => keepEnds(v, 1, 2),
};

/**
 * The stronger masks of kinds with an inference rule, by variant name (see `INFERENCE_RULES`); the
 * kind's entry in {@link MASKERS} is its weakest variant.
 */
export const MASK_VARIANTS: Partial<Record<PersonalKind, Readonly<Record<string, Masker>>>> = {
  ID_NUMBER: {
    "region-last2": (v) => MASKERS.ID_NUMBER!(v),
    /** 410105199003071234 → 410105************ */
    region: (v) => keepEnds(v, 6, 0),
  },
};

/**
 * The masker of a kind, if it has one: the named variant when the decision picked one (an unknown
 * variant fails closed to a value of asterisks), else the kind's rule.
 */
export function maskerFor(kind: PersonalKind | undefined, variant?: string): Masker | undefined {
  if (!kind) return undefined;
  if (variant === undefined) return MASKERS[kind];
  return MASK_VARIANTS[kind]?.[variant] ?? ((v: string) => "*".repeat([...v].length));
}
