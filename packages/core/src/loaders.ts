import DataLoader from "dataloader";
import { toPage, type CursorKey, type Page } from "./pagination.ts";

/**
 * A DataLoader of rows by primary key: one query per tick whatever the number of keys, results in
 * key order, `null` where a row does not exist (or is not visible to the caller).
 */
export function createByKeyLoader<TKey extends string | number, TRow>(
  fetch: (keys: readonly TKey[]) => Promise<TRow[]>,
  keyOf: (row: TRow) => TKey,
): DataLoader<TKey, TRow | null> {
  return new DataLoader<TKey, TRow | null>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A request for one parent's page of children. */
export interface ChildPageKey<TArgs> {
  parentId: string;
  /** Validated list arguments; equal arguments batch into one query. */
  args: TArgs;
  /** Page size, already validated. */
  limit: number;
  /** Decoded `after`, if any. */
  after?: CursorKey;
}

/** Options of {@link createChildPageLoader}. */
export interface ChildPageLoaderOptions<TArgs, TRow> {
  /**
   * Fetches, for every parent, up to `limit + 1` children after `after`, in page order (a window
   * function or LATERAL join: one statement for all parents).
   */
  fetch: (parentIds: readonly string[], args: TArgs, limit: number, after?: CursorKey) => Promise<TRow[]>;
  parentOf: (row: TRow) => string;
  /** The row's sort key: the same parts `fetch` compares `after` with (which may depend on the arguments' order). */
  keyOf: (row: TRow, args: TArgs) => CursorKey;
}

/**
 * A DataLoader of paginated child lists (a person's crossings, a community's residents): all
 * parents asking with the same arguments in one tick share one SQL statement.
 */
export function createChildPageLoader<TArgs, TRow>(
  options: ChildPageLoaderOptions<TArgs, TRow>,
): DataLoader<ChildPageKey<TArgs>, Page<TRow>, string> {
  return new DataLoader<ChildPageKey<TArgs>, Page<TRow>, string>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey<TArgs>[]>();
      for (const key of keys) {
        const group = JSON.stringify([key.args, key.limit, key.after ?? null]);
        const members = groups.get(group);
        if (members) members.push(key);
        else groups.set(group, [key]);
      }
      const pages = new Map<ChildPageKey<TArgs>, Page<TRow>>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const first = group[0]!;
          const rows = await options.fetch(
            [...new Set(group.map((k) => k.parentId))],
            first.args,
            first.limit,
            first.after,
          );
          const byParent = new Map<string, TRow[]>();
          for (const row of rows) {
            const parent = options.parentOf(row);
            const siblings = byParent.get(parent);
            if (siblings) siblings.push(row);
            else byParent.set(parent, [row]);
          }
          for (const key of group) pages.set(key, toPage(byParent.get(key.parentId) ?? [], key.limit, (row) => options.keyOf(row, first.args)));
        }),
      );
      return keys.map((key) => pages.get(key)!);
    },
    { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.args, key.limit, key.after ?? null]) },
  );
}
