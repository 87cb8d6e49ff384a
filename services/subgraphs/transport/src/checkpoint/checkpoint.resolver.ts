import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Classified, assertDistrictCode, pageSize } from "@citygraph/core";
import { Checkpoint, CheckpointKind } from "./checkpoint.type.ts";
import { District } from "../district/district.type.ts";
import {
  CheckpointCrossingConnection,
  CrossingPageArgs,
} from "../checkpoint-crossing/checkpoint-crossing.type.ts";
import {
  MAX_CROSSING_WINDOW_DAYS,
  assertCheckpointCode,
  decodeTimeCursor,
  validateWindow,
} from "../arguments.ts";
import type { TransportContext } from "../context.ts";

@Resolver(() => Checkpoint)
export class CheckpointResolver {
  @Classified("PUBLIC")
  @Query(() => [Checkpoint], { description: "Traffic checkpoints by code; filter by district or kind." })
  checkpoints(
    @Arg("district", () => String, { nullable: true }) district: string | undefined,
    @Arg("kind", () => CheckpointKind, { nullable: true }) kind: CheckpointKind | undefined,
    @Ctx() context: TransportContext,
  ): Promise<Checkpoint[]> {
    if (district != null) assertDistrictCode("district", district);
    return context.repositories.checkpoint.list({
      districtCode: district ?? undefined,
      kind: kind ?? undefined,
    });
  }

  @Classified("PUBLIC")
  @Query(() => Checkpoint, { nullable: true })
  checkpoint(
    @Arg("code", () => String) code: string,
    @Ctx() context: TransportContext,
  ): Promise<Checkpoint | null> {
    assertCheckpointCode("code", code);
    return context.loaders.checkpoint.byCode.load(code);
  }

  @Classified("PUBLIC")
  @FieldResolver(() => District)
  district(@Root() checkpoint: Checkpoint): District {
    return { code: checkpoint.districtCode };
  }

  // Nullable: a caller who may read the checkpoint but not its log keeps the checkpoint.
  @Classified("INTERNAL")
  @FieldResolver(() => CheckpointCrossingConnection, {
    nullable: true,
    description: "Crossings recorded here, newest first.",
  })
  crossings(
    @Root() checkpoint: Checkpoint,
    @Args(() => CrossingPageArgs) page: CrossingPageArgs,
    @Ctx() context: TransportContext,
  ) {
    return context.loaders.crossing.byCheckpoint.load({
      parentId: checkpoint.code,
      args: validateWindow(page.from, page.to, MAX_CROSSING_WINDOW_DAYS),
      limit: pageSize(page.first),
      after: decodeTimeCursor(page.after),
    });
  }
}
