import { districtWhere, scopeParam, type RowScope } from "@citygraph/core";
import { Prisma, type PrismaClient } from "../../prisma/generated/client.ts";
import type { TimeCursor, TimeWindow } from "../arguments.ts";
import type { CrossingDirection } from "./checkpoint-crossing.type.ts";

/** Columns every CheckpointCrossing query reads. */
export const CROSSING_SELECT = {
  id: true,
  personId: true,
  plate: true,
  checkpointCode: true,
  time: true,
  direction: true,
  originCity: true,
  districtCode: true,
} as const;

/** The same columns for raw statements, aliased to the Prisma field names. */
const CROSSING_COLUMNS = Prisma.sql`c.id, c.person_id AS "personId", c.plate, c.checkpoint_code AS "checkpointCode", c.time,
  c.direction::text AS direction, c.origin_city AS "originCity", c.district_code AS "districtCode"`;

/** A crossing row as the repository returns it. */
export interface CrossingRow {
  id: number;
  personId: string;
  plate: string | null;
  checkpointCode: string;
  time: Date;
  direction: CrossingDirection;
  originCity: string;
  districtCode: string;
}

/** Filters of the root crossings list; each one selects an index (or, none given, the BRIN on time). */
export interface CrossingFilter extends TimeWindow {
  checkpointCode?: string;
  districtCode?: string;
  plate?: string;
}

/** The parent columns child lists are fetched by. A closed set: it is spliced into SQL. */
const PARENT_COLUMNS = {
  person: Prisma.raw("person_id"),
  checkpoint: Prisma.raw("checkpoint_code"),
} as const;

/**
 * Crossing reads, newest first: `ORDER BY time DESC, id DESC`, keyset cursor `[time, id]`. Limited
 * to the request's row scope by `district_code`, the checkpoint's district copied onto every row.
 */
export class CheckpointCrossingRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** One page of crossings matching `filter`: `limit + 1` rows. */
  list(filter: CrossingFilter, limit: number, after?: TimeCursor): Promise<CrossingRow[]> {
    const cursorTime = asDate(after?.[0]);
    return this.prisma.checkpointCrossing.findMany({
      where: {
        checkpointCode: filter.checkpointCode,
        districtCode: districtWhere(this.scope, filter.districtCode),
        plate: filter.plate,
        // `lte` duplicates the OR's bound so that PostgreSQL can start the index scan at the cursor.
        time: { gte: asDate(filter.from), lt: asDate(filter.to), lte: cursorTime },
        OR: after ? [{ time: { lt: cursorTime } }, { time: cursorTime, id: { lt: after[1] } }] : undefined,
      },
      select: CROSSING_SELECT,
      orderBy: [{ time: "desc" }, { id: "desc" }],
      take: limit + 1,
    }) as Promise<CrossingRow[]>;
  }

  /** Up to `limit + 1` crossings of each person, in one statement. */
  listByPersons(personIds: readonly string[], window: TimeWindow, limit: number, after?: TimeCursor) {
    return this.listByParents("person", personIds, window, limit, after);
  }

  /** Up to `limit + 1` crossings at each checkpoint, in one statement. */
  listByCheckpoints(codes: readonly string[], window: TimeWindow, limit: number, after?: TimeCursor) {
    return this.listByParents("checkpoint", codes, window, limit, after);
  }

  /**
   * A LATERAL join rather than a window function: each parent's page is an index range scan that
   * stops after `limit + 1` rows, however many crossings the parent has.
   */
  private listByParents(
    parent: keyof typeof PARENT_COLUMNS,
    keys: readonly string[],
    window: TimeWindow,
    limit: number,
    after?: TimeCursor,
  ): Promise<CrossingRow[]> {
    const scope = scopeParam(this.scope);
    const conditions = [
      Prisma.sql`c.${PARENT_COLUMNS[parent]} = p.key`,
      Prisma.sql`(${scope}::text[] IS NULL OR c.district_code = ANY(${scope}::text[]))`,
    ];
    if (window.from) conditions.push(Prisma.sql`c.time >= ${window.from}::timestamptz`);
    if (window.to) conditions.push(Prisma.sql`c.time < ${window.to}::timestamptz`);
    if (after) conditions.push(Prisma.sql`(c.time, c.id) < (${after[0]}::timestamptz, ${after[1]}::int)`);
    return this.prisma.$queryRaw<CrossingRow[]>`
      SELECT ${CROSSING_COLUMNS}
      FROM unnest(${[...keys]}::varchar[]) WITH ORDINALITY AS p(key, ord)
      CROSS JOIN LATERAL (
        SELECT * FROM transport.checkpoint_crossing c
        WHERE ${Prisma.join(conditions, " AND ")}
        ORDER BY c.time DESC, c.id DESC
        LIMIT ${limit + 1}
      ) c
      ORDER BY p.ord, c.time DESC, c.id DESC`;
  }
}

function asDate(iso: string | undefined): Date | undefined {
  return iso === undefined ? undefined : new Date(iso);
}
