import type { AccessOutcome } from "./generated/graphql.ts";

/** Outcomes in the order charts stack them. */
export const OUTCOMES: readonly AccessOutcome[] = ["ALLOWED", "PARTIAL", "DENIED", "REFUSED", "ERROR"];
/** One colour per outcome, the same in every chart of the console. */
export const OUTCOME_COLORS: Record<AccessOutcome, string> = {
  ALLOWED: "#2e7d32",
  PARTIAL: "#f9a825",
  DENIED: "#c62828",
  REFUSED: "#6a1b9a",
  ERROR: "#455a64",
};
