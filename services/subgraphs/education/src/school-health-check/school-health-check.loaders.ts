import DataLoader from "dataloader";
import type {
  ReportWindow,
  SchoolHealthCheckRepository,
  SchoolHealthCheckRow,
} from "./school-health-check.repository.ts";

/** A request for one school's reports in a window. */
export interface SchoolWindowKey extends ReportWindow {
  schoolId: number;
}

/** Per-request SchoolHealthCheck loaders. */
export function createSchoolHealthCheckLoaders(repository: SchoolHealthCheckRepository) {
  return {
    /**
     * A school's reports in a window, newest first. Schools asking for the same window in one tick
     * share one statement; the window bound keeps each result small, so no page is needed.
     */
    bySchool: new DataLoader<SchoolWindowKey, SchoolHealthCheckRow[], string>(
      async (keys) => {
        const windows = new Map<string, SchoolWindowKey[]>();
        for (const key of keys) {
          const id = windowId(key);
          const members = windows.get(id);
          if (members) members.push(key);
          else windows.set(id, [key]);
        }
        const results = new Map<string, SchoolHealthCheckRow[]>();
        await Promise.all(
          [...windows.values()].map(async (members) => {
            const window = { from: members[0]!.from, to: members[0]!.to };
            const rows = await repository.listBySchools([...new Set(members.map((k) => k.schoolId))], window);
            for (const key of members) results.set(cacheKey(key), []);
            for (const row of rows) results.get(cacheKey({ ...window, schoolId: row.schoolId }))?.push(row);
          }),
        );
        return keys.map((key) => results.get(cacheKey(key))!);
      },
      { cacheKeyFn: cacheKey },
    ),
  };
}

function windowId(key: ReportWindow): string {
  return `${key.from.getTime()}/${key.to.getTime()}`;
}

function cacheKey(key: SchoolWindowKey): string {
  return `${key.schoolId}@${windowId(key)}`;
}
