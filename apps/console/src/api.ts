import type { TypedDocumentString } from "./generated/graphql.ts";
import { currentSession } from "./auth.ts";

/** A GraphQL error as the gateway sends it. */
export interface GatewayError {
  message: string;
  extensions?: { code?: string; denied?: { coordinate: string; needs: string }[] };
}

/** A failed request, with the gateway's errors. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly errors: GatewayError[],
  ) {
    super(message);
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/**
 * Runs a typed operation against the gateway with the signed-in user's own token: the console has
 * no access of its own, so every page sees exactly what its user's grants allow.
 */
export async function execute<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables?: TVariables): Promise<TResult> {
  const token = currentSession()?.accessToken;
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: TResult; errors?: GatewayError[] };
  if (body.errors?.length || !body.data) {
    const errors = body.errors ?? [{ message: `HTTP ${response.status}` }];
    throw new RequestError(errors.map((e) => e.message).join("; "), errors);
  }
  return body.data;
}
