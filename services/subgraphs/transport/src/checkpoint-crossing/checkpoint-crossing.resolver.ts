import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Classified, Compares, assertDistrictCode, badUserInput, pageSize, toPage, recordSubject } from "@citygraph/core";
import {
  CheckpointCrossing,
  CheckpointCrossingConnection,
  CrossingPageArgs,
} from "./checkpoint-crossing.type.ts";
import { crossingKey } from "./checkpoint-crossing.loaders.ts";
import { Checkpoint } from "../checkpoint/checkpoint.type.ts";
import { District } from "../district/district.type.ts";
import { Person } from "../person/person.type.ts";
import {
  MAX_CITY_WIDE_WINDOW_HOURS,
  MAX_CROSSING_WINDOW_DAYS,
  assertCheckpointCode,
  assertPlate,
  decodeTimeCursor,
  validateWindow,
} from "../arguments.ts";
import type { TransportContext } from "../context.ts";

@Resolver(() => CheckpointCrossing)
export class CheckpointCrossingResolver {
  @Classified("INTERNAL")
  @Compares("from", "CheckpointCrossing.time")
  @Compares("to", "CheckpointCrossing.time")
  // Looking crossings up by plate confirms where a given vehicle went: it needs plates in full.
  @Compares("plate", "CheckpointCrossing.plate")
  @Query(() => CheckpointCrossingConnection, {
    description:
      "Checkpoint crossings, newest first. Give a checkpoint, district or plate, or else both `from` and `to` " +
      `at most ${MAX_CITY_WIDE_WINDOW_HOURS} hours apart; any window spans at most ${MAX_CROSSING_WINDOW_DAYS} days.`,
  })
  async crossings(
    @Args(() => CrossingPageArgs) page: CrossingPageArgs,
    @Arg("checkpoint", () => String, { nullable: true, description: "Checkpoint code." })
    checkpoint: string | undefined,
    @Arg("district", () => String, { nullable: true, description: "District code of the checkpoint." })
    district: string | undefined,
    @Arg("plate", () => String, { nullable: true, description: "Plate without separator, e.g. 豫A12345." })
    plate: string | undefined,
    @Ctx() context: TransportContext,
  ): Promise<CheckpointCrossingConnection> {
    const limit = pageSize(page.first);
    const after = decodeTimeCursor(page.after);
    if (checkpoint != null) assertCheckpointCode("checkpoint", checkpoint);
    if (district != null) assertDistrictCode("district", district);
    // Looking up by plate needs plates in full (`@Compares`), checked before this runs.
    if (plate != null) assertPlate("plate", plate);
    const window = validateWindow(page.from, page.to, MAX_CROSSING_WINDOW_DAYS);
    if (!checkpoint && !district && !plate) assertCityWideWindow(window);
    let districtCode = district || undefined;
    if (checkpoint) {
      // A checkpoint lies in one district. Look it up (through the row-scoped loader) rather than
      // let PostgreSQL walk a whole checkpoint's or district's index looking for rows that cannot
      // match: an unknown or out-of-scope checkpoint, or one outside `district`, is an empty page.
      const found = await context.loaders.checkpoint.byCode.load(checkpoint);
      if (!found || (districtCode && found.districtCode !== districtCode)) return toPage([], limit, crossingKey);
      districtCode = undefined;
    }
    const rows = await context.repositories.crossing.list(
      { checkpointCode: checkpoint || undefined, districtCode, plate: plate || undefined, ...window },
      limit,
      after,
    );
    const found = toPage(rows, limit, crossingKey);
    // Looking a vehicle up by its plate returns its owner's movements even when only INTERNAL
    // fields are selected: report the persons, so the ledger names them and the response waits
    // for its entry like any personal data.
    if (plate) for (const row of found.nodes) recordSubject(context, row.personId);
    return found;
  }

  // Who crossed where and when: a movement record (行踪轨迹). Nullable, so that a denial leaves the
  // rest of the crossing (and the page) intact.
  @Classified("SENSITIVE", "LOCATION")
  @FieldResolver(() => Person, { nullable: true })
  person(@Root() crossing: CheckpointCrossing): Person {
    return { id: crossing.personId };
  }

  @Classified("INTERNAL")
  @FieldResolver(() => Checkpoint)
  async checkpoint(
    @Root() crossing: CheckpointCrossing,
    @Ctx() context: TransportContext,
  ): Promise<Checkpoint> {
    return (await context.loaders.checkpoint.byCode.load(crossing.checkpointCode))!;
  }

  @Classified("INTERNAL")
  @FieldResolver(() => District, { description: "The checkpoint's district." })
  district(@Root() crossing: CheckpointCrossing): District {
    return { code: crossing.districtCode };
  }
}

/**
 * Without a checkpoint, district or plate no index narrows the scan but the BRIN on time: a short
 * window keeps one query from sorting the whole table.
 */
function assertCityWideWindow(window: { from?: string; to?: string }): void {
  const hint = `without checkpoint, district or plate, give both "from" and "to"`;
  if (!window.from) throw badUserInput("from", `${hint}, at most ${MAX_CITY_WIDE_WINDOW_HOURS} hours apart`);
  if (!window.to) throw badUserInput("to", `${hint}, at most ${MAX_CITY_WIDE_WINDOW_HOURS} hours apart`);
  if (Date.parse(window.to) - Date.parse(window.from) > MAX_CITY_WIDE_WINDOW_HOURS * 3_600_000) {
    throw badUserInput("to", `${hint}: the window may span at most ${MAX_CITY_WIDE_WINDOW_HOURS} hours`);
  }
}
