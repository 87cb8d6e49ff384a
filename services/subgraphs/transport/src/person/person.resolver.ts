import { Args, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Classified, Compares, PageArgs, pageSize } from "@citygraph/core";
import { Person } from "./person.type.ts";
import {
  CheckpointCrossingConnection,
  CrossingPageArgs,
} from "../checkpoint-crossing/checkpoint-crossing.type.ts";
import { TravellerRegistrationConnection } from "../traveller-registration/traveller-registration.type.ts";
import { MAX_CROSSING_WINDOW_DAYS, decodeTimeCursor, validateWindow } from "../arguments.ts";
import type { TransportContext } from "../context.ts";

@Resolver(() => Person)
export class PersonResolver {
  // A person's crossings are their movements (行踪轨迹): sensitive personal information. Nullable,
  // so that a caller without the grant still gets the rest of the person.
  @Classified("SENSITIVE", "LOCATION")
  @Compares("from", "CheckpointCrossing.time")
  @Compares("to", "CheckpointCrossing.time")
  @FieldResolver(() => CheckpointCrossingConnection, {
    nullable: true,
    description: "Checkpoint crossings of this person, newest first.",
  })
  crossings(
    @Root() person: Person,
    @Args(() => CrossingPageArgs) page: CrossingPageArgs,
    @Ctx() context: TransportContext,
  ) {
    return context.loaders.crossing.byPerson.load({
      parentId: person.id,
      args: validateWindow(page.from, page.to, MAX_CROSSING_WINDOW_DAYS),
      limit: pageSize(page.first),
      after: decodeTimeCursor(page.after),
    });
  }

  @Classified("SENSITIVE", "TRAVEL")
  @FieldResolver(() => TravellerRegistrationConnection, {
    nullable: true,
    description: "Incoming-traveller registrations of this person, latest arrival first.",
  })
  travellerRegistrations(
    @Root() person: Person,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() context: TransportContext,
  ) {
    return context.loaders.registration.byPerson.load({
      parentId: person.id,
      args: {},
      limit: pageSize(page.first),
      after: decodeTimeCursor(page.after),
    });
  }
}
