import type { PersonalKind } from "./classification.ts";

/**
 * How few candidates a masked value may be narrowed to, from everything the same principal may
 * read (in this request or any other), before the mask counts as undone.
 */
export const MIN_CANDIDATES = 10_000;

/** What reading a revealing kind tells about one part of a masked value. */
export interface Revelation {
  /** The part it narrows. */
  part: string;
  /** How many values the part can still take once the revealing kind is read this way (1: known). */
  space: number;
}

/** Another kind whose values reveal parts of a masked value, read in full or masked. */
export interface Revealer {
  kind: PersonalKind;
  /** What a full read reveals. */
  full: readonly Revelation[];
  /** What a masked read reveals (absent: the kind has no mask or its mask reveals nothing of it). */
  masked?: readonly Revelation[];
  /** Why, for the README and for messages. */
  why: string;
}

/** One mask of a kind, from the most useful (weakest) to the strongest. */
export interface MaskVariant {
  name: string;
  /** What the masked value itself still shows, per part. */
  shows: readonly Revelation[];
  /** Whether the masked value shows a check digit computed over the hidden parts. */
  showsCheck: boolean;
}

/**
 * A kind whose masked value can be undone by combining it with other kinds: the parts its value
 * is made of (each with how many values it takes when nothing reveals it), which other kinds
 * reveal which parts, and the masks to choose from.
 */
export interface InferenceRule {
  parts: Readonly<Record<string, number>>;
  /** How many values a check digit takes: showing it divides the candidates by this. */
  checkSpace?: number;
  revealedBy: readonly Revealer[];
  /** Weakest first; the decision picks the first that keeps {@link MIN_CANDIDATES}, or denies. */
  variants: readonly MaskVariant[];
}

/**
 * The declared inference rules. A resident ID number (GB 11643) is region (6 digits), birth date
 * (8), sequence (3, the last one's parity is the gender) and a check digit over the other 17.
 *
 * - The region is counted as known to everyone: district filters, row scope and `Person.district`
 *   reveal it, and so do addresses (masked or not).
 * - A birth date spans ~100 years of days (36 525); its masked form (the year) leaves 366.
 * - The gender halves the sequence.
 */
export const INFERENCE_RULES: Partial<Record<PersonalKind, InferenceRule>> = {
  ID_NUMBER: {
    parts: { region: 1, birthDate: 36_525, sequence: 1_000 },
    checkSpace: 11,
    revealedBy: [
      {
        kind: "BIRTH_DATE",
        full: [{ part: "birthDate", space: 1 }],
        masked: [{ part: "birthDate", space: 366 }],
        why: "the birth date is digits 7-14",
      },
      { kind: "GENDER", full: [{ part: "sequence", space: 500 }], why: "the gender is the parity of digit 17" },
      {
        kind: "ADDRESS",
        full: [{ part: "region", space: 1 }],
        masked: [{ part: "region", space: 1 }],
        why: "the district of the address is digits 1-6",
      },
    ],
    variants: [
      // 410105**********58: the last sequence digit and the check digit.
      { name: "region-last2", shows: [{ part: "region", space: 1 }, { part: "sequence", space: 100 }], showsCheck: true },
      // 410105************
      { name: "region", shows: [{ part: "region", space: 1 }], showsCheck: false },
    ],
  },
};

/** How a principal may read each revealing kind (the best access over every field of that kind). */
export type KindAccess = (kind: PersonalKind) => "full" | "masked" | "denied";

/**
 * How many values a masked value shown with `variant` can still be, given what the principal
 * reads of the revealing kinds. Parts combine by taking the smallest space any source leaves,
 * which is exact for the nested revelations declared above (parity ⊂ last digit, year ⊂ date).
 */
export function candidateCount(rule: InferenceRule, variant: MaskVariant, access: KindAccess): number {
  const space = new Map(Object.entries(rule.parts));
  const narrow = (revelations: readonly Revelation[]) => {
    for (const { part, space: left } of revelations) space.set(part, Math.min(space.get(part) ?? left, left));
  };
  narrow(variant.shows);
  for (const revealer of rule.revealedBy) {
    const read = access(revealer.kind);
    if (read === "full") narrow(revealer.full);
    else if (read === "masked" && revealer.masked) narrow(revealer.masked);
  }
  const hidden = [...space.values()].reduce((a, b) => a * b, 1);
  return variant.showsCheck && rule.checkSpace ? Math.max(1, hidden / rule.checkSpace) : hidden;
}

/**
 * The weakest mask of `kind` that keeps at least {@link MIN_CANDIDATES} candidates given what the
 * principal reads of the revealing kinds; `null` when none does (the field must be denied);
 * `undefined` when the kind has no inference rule (its one mask applies).
 */
export function chooseMask(kind: PersonalKind, access: KindAccess): string | null | undefined {
  const rule = INFERENCE_RULES[kind];
  if (!rule) return undefined;
  return rule.variants.find((v) => candidateCount(rule, v, access) >= MIN_CANDIDATES)?.name ?? null;
}

/** The kinds that reveal parts of `kind`, read in full or masked. */
export function revealingKinds(kind: PersonalKind): PersonalKind[] {
  return (INFERENCE_RULES[kind]?.revealedBy ?? []).map((r) => r.kind);
}
