import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestContext } from "../context.ts";

/**
 * Data subjects: the persons whose PERSONAL or SENSITIVE data a request returned.
 *
 * Each subgraph records them in its permission layer (the field middleware of every PERSONAL and
 * SENSITIVE field, after the field resolved with access full or masked: one `Set.add` of the
 * parent's person, plus the persons of the rows the field returns when they are objects), and
 * reports them to the gateway in its response as `extensions.citygraph.subjects`. The gateway collects them
 * per client request and strips the extension, so clients never see it. Only the gateway can read a
 * subgraph at all (its tokens), so the list never leaves the platform.
 */

/** The response extension a subgraph reports its subjects under: `extensions.citygraph.subjects`. */
export const SUBJECTS_EXTENSION = "citygraph";

/** `extensions.citygraph` of a subgraph response. */
export interface SubjectsExtension {
  /** Pseudonymous person ids (registry `Person.id`), each once. */
  subjects: string[];
}

/**
 * How to find the person a field of `typeName` is about, from the field's parent object: its
 * `personId` if it has one, else, on `Person`, its `id`. Chosen once per field when the middleware
 * is built, so resolving a row costs a property read.
 */
export function subjectReader(typeName: string): (parent: unknown) => string | undefined {
  const person = typeName === "Person";
  return (parent) => {
    if (parent === null || typeof parent !== "object") return undefined;
    const row = parent as { personId?: unknown; id?: unknown };
    const id = row.personId ?? (person ? row.id : undefined);
    return typeof id === "string" ? id : typeof id === "number" ? String(id) : undefined;
  };
}

/** Records that the request returned personal data of `subject` (a no-op without one). */
export function recordSubject(context: RequestContext, subject: string | undefined): void {
  if (subject !== undefined) (context.subjects ??= new Set()).add(subject);
}

/**
 * Records the persons a personal field returned: `value` is an object, a list of them, or a
 * connection (`{ nodes }`); `subjectOf` reads each one's person (see {@link subjectReader}).
 */
export function recordReturned(context: RequestContext, value: unknown, subjectOf: (row: unknown) => string | undefined): void {
  const rows = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value.nodes) ? value.nodes : [value];
  for (const row of rows) recordSubject(context, subjectOf(row));
}

/**
 * The Apollo Server plugin that adds `extensions.citygraph.subjects` to a subgraph's response,
 * only when the request returned someone's personal data.
 */
export function createSubjectsPlugin<TContext extends RequestContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const subjects = contextValue.subjects;
          if (!subjects?.size || response.body.kind !== "single") return;
          const result = response.body.singleResult;
          const previous = result.extensions?.[SUBJECTS_EXTENSION];
          const extension: SubjectsExtension = { ...(isRecord(previous) ? previous : {}), subjects: [...subjects] };
          result.extensions = { ...result.extensions, [SUBJECTS_EXTENSION]: extension };
        },
      };
    },
  };
}

/**
 * Takes the subjects out of a subgraph response's extensions: returns them, and deletes them (and
 * `extensions.citygraph`, then `extensions`, when nothing else is left in them) so they cannot
 * reach a client. Malformed values are ignored, never trusted as ids.
 */
export function takeSubjects(response: { extensions?: Record<string, unknown> }): string[] {
  const extensions = response.extensions;
  const extension = extensions?.[SUBJECTS_EXTENSION];
  if (!extensions || !isRecord(extension) || !("subjects" in extension)) return [];
  const subjects = extension.subjects;
  delete extension.subjects;
  if (Object.keys(extension).length === 0) delete extensions[SUBJECTS_EXTENSION];
  if (Object.keys(extensions).length === 0) delete response.extensions;
  return Array.isArray(subjects) ? subjects.filter((s): s is string => typeof s === "string") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
