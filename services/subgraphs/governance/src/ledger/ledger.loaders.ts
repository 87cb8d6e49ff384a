import DataLoader from "dataloader";
import { createChildPageLoader, type CursorKey } from "@citygraph/core";
import type { LedgerRepository, SubjectLedgerRow, UsageRow } from "./ledger.repository.ts";

/** The keyset position of a ledger row: its seq, as a string (a bigint does not fit a JSON number). */
export function seqKey(row: { seq: bigint | string }): CursorKey {
  return [String(row.seq)];
}

/** A usage report request: one agreement over one window. */
export interface UsageKey {
  agreementId: string;
  from: Date;
  to: Date;
}

/**
 * Per-request loaders of the auditor's queries: several persons' reports (aliases, or a list of
 * persons) cost one statement; several agreements' usage over the same window cost one statement.
 */
export function createLedgerLoaders(repository: LedgerRepository) {
  return {
    /** Entries that returned data of a person, keyed by person id; cursor: the last seq. */
    bySubject: createChildPageLoader<null, SubjectLedgerRow>({
      fetch: (personIds, _args, limit, after) =>
        repository.listBySubjects(personIds, limit, after ? BigInt(String(after[0])) : undefined),
      parentOf: (row) => row.personId,
      keyOf: seqKey,
    }),
    usage: new DataLoader<UsageKey, UsageRow[], string>(
      async (keys) => {
        const byWindow = new Map<string, UsageKey[]>();
        for (const key of keys) {
          const window = `${key.from.toISOString()}/${key.to.toISOString()}`;
          const group = byWindow.get(window);
          if (group) group.push(key);
          else byWindow.set(window, [key]);
        }
        const found = new Map<string, UsageRow[]>();
        await Promise.all(
          [...byWindow.values()].map(async (group) => {
            const { from, to } = group[0]!;
            const rows = await repository.usage([...new Set(group.map((k) => k.agreementId))], { from, to });
            for (const row of rows) {
              const id = `${row.agreementId}|${from.toISOString()}|${to.toISOString()}`;
              const rowsOfKey = found.get(id);
              if (rowsOfKey) rowsOfKey.push(row);
              else found.set(id, [row]);
            }
          }),
        );
        return keys.map((k) => found.get(`${k.agreementId}|${k.from.toISOString()}|${k.to.toISOString()}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.agreementId}|${k.from.toISOString()}|${k.to.toISOString()}` },
    ),
  };
}
