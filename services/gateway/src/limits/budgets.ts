import { DEFAULT_PAGE_SIZE, ErrorCode, MAX_PAGE_SIZE, StartupError, type Principal } from "@citygraph/core";
import type { CostModel, OperationMeasure } from "./measure.ts";

/** What one kind of caller may send in one document. Every limit is a count (no units). */
export interface OperationBudget {
  /** Lexical tokens of the document. */
  tokens: number;
  /** Nesting of fields (fragments and introspection add none). */
  depth: number;
  /** Aliased fields, after fragment expansion. */
  aliases: number;
  /** Directives, after fragment expansion. */
  directives: number;
  /** Field selections after fragment expansion. */
  fields: number;
  /** Estimated cost: each field counts once per item of every list above it (`first`, else the default page size). */
  cost: number;
}

/** Budgets per principal kind; anonymous callers get the tightest. */
export type OperationBudgets = Record<Principal["kind"], OperationBudget>;

/** Options of the operation limits: budgets per principal kind, each limit overridable alone. */
export interface OperationLimitsOptions {
  /** Default: tokens 2 000, depth 8, aliases 10, directives 20, fields 500, cost 5 000. */
  anonymous?: Partial<OperationBudget>;
  /** Signed-in users. Default: tokens 10 000, depth 12, aliases 50, directives 100, fields 2 000, cost 50 000. */
  user?: Partial<OperationBudget>;
  /** Third parties under an agreement. Default: tokens 5 000, depth 10, aliases 20, directives 50, fields 1 000, cost 20 000. */
  agreement?: Partial<OperationBudget>;
  /** Items assumed for a list without `first` (e.g. `districts`). Default 20. */
  unpaginatedListSize?: number;
  /**
   * Largest request body from a caller sending no credentials (no `Authorization`, no
   * `X-API-Key`), bytes; others may send up to the HTTP layer's 1 MiB. Checked before the body is
   * read. Default 65 536 (64 KiB: the anonymous token budget's documents fit many times over).
   */
  anonymousBodyBytes?: number;
}

/** Normalised limits: every budget complete, plus the cost model. */
export interface NormalizedOperationLimits {
  budgets: OperationBudgets;
  model: CostModel;
  anonymousBodyBytes: number;
}

const DEFAULT_BUDGETS: OperationBudgets = {
  // GraphiQL's introspection query (≈ 1 100 tokens, ≈ 400 fields expanded) fits the tightest budget.
  anonymous: { tokens: 2_000, depth: 8, aliases: 10, directives: 20, fields: 500, cost: 5_000 },
  agreement: { tokens: 5_000, depth: 10, aliases: 20, directives: 50, fields: 1_000, cost: 20_000 },
  user: { tokens: 10_000, depth: 12, aliases: 50, directives: 100, fields: 2_000, cost: 50_000 },
};

/** Checked in this order: tokens first, since they bound the cost of measuring everything else. */
export const LIMITS = [
  { key: "tokens", code: ErrorCode.OPERATION_TOO_MANY_TOKENS, what: "token count" },
  { key: "depth", code: ErrorCode.OPERATION_TOO_DEEP, what: "depth" },
  { key: "aliases", code: ErrorCode.OPERATION_TOO_MANY_ALIASES, what: "alias count" },
  { key: "directives", code: ErrorCode.OPERATION_TOO_MANY_DIRECTIVES, what: "directive count" },
  { key: "fields", code: ErrorCode.OPERATION_TOO_MANY_FIELDS, what: "field count (fragments expanded)" },
  { key: "cost", code: ErrorCode.OPERATION_TOO_COSTLY, what: "estimated cost" },
] as const satisfies readonly { key: keyof OperationMeasure & keyof OperationBudget; code: string; what: string }[];

/** Applies defaults and validates, failing start-up with a message that says what to change. */
export function normalizeOperationLimits(options: OperationLimitsOptions | undefined): NormalizedOperationLimits {
  const budgets = {} as OperationBudgets;
  for (const kind of Object.keys(DEFAULT_BUDGETS) as Principal["kind"][]) {
    const budget = { ...DEFAULT_BUDGETS[kind], ...options?.[kind] };
    for (const { key } of LIMITS) {
      if (!Number.isSafeInteger(budget[key]) || budget[key] < 1) {
        throw new StartupError(`Gateway option limits.${kind}.${key} must be a positive whole number (got ${JSON.stringify(budget[key])}).`);
      }
    }
    budgets[kind] = budget;
  }
  const unpaginatedListSize = options?.unpaginatedListSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(unpaginatedListSize) || unpaginatedListSize < 1) {
    throw new StartupError("Gateway option limits.unpaginatedListSize must be a positive whole number.");
  }
  const anonymousBodyBytes = options?.anonymousBodyBytes ?? 64 * 1024;
  if (!Number.isSafeInteger(anonymousBodyBytes) || anonymousBodyBytes < 1024 || anonymousBodyBytes > 1024 * 1024) {
    throw new StartupError("Gateway option limits.anonymousBodyBytes must be a whole number of bytes from 1024 to 1048576 (1 MiB).");
  }
  return { budgets, model: { defaultPageSize: DEFAULT_PAGE_SIZE, maxPageSize: MAX_PAGE_SIZE, unpaginatedListSize }, anonymousBodyBytes };
}
