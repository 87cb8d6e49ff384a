import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLSchema } from "graphql";
import { createOperationJudge, normalizeOperationLimits, type OperationJudge } from "../../../../services/gateway/src/limits/index.ts";
import { HUGE_COST } from "./attacks.ts";

const apiSchema = buildSchema(readFileSync(new URL("../../../../packages/supergraph/schema.graphql", import.meta.url), "utf8"));

/** A judge that has been handed the API schema, as the gateway's plugin hook does at start. */
async function judgeWithSchema(): Promise<OperationJudge["judge"]> {
  const judge = createOperationJudge(normalizeOperationLimits(undefined));
  const listener = await judge.plugin.serverWillStart!({} as never);
  (listener as { schemaDidLoadOrUpdate(s: { apiSchema: GraphQLSchema }): void }).schemaDidLoadOrUpdate({ apiSchema });
  return judge.judge;
}

// Verdicts are remembered per (caller kind, schema, document); these hold the memory to the
// verdict a fresh measurement gives.
describe("operation judge: remembered verdicts", () => {
  it("refuses a costly document every time it is sent, and passes a cheap one every time", async () => {
    const judge = await judgeWithSchema();
    for (let i = 0; i < 3; i++) {
      assert.equal(judge("anonymous", { source: HUGE_COST, variables: undefined })?.code, "OPERATION_TOO_COSTLY");
      assert.equal(judge("anonymous", { source: "{ districts { code } }", variables: undefined }), undefined);
    }
  });

  it("keeps verdicts apart by caller kind", async () => {
    const judge = await judgeWithSchema();
    const user = "{ persons(first: 100) { nodes { id crossings(first: 60) { nodes { id } } } } }"; // 100 × (3 + 60 × 3) = 18 300
    assert.equal(judge("user", { source: user, variables: undefined }), undefined);
    assert.equal(judge("anonymous", { source: user, variables: undefined })?.code, "OPERATION_TOO_COSTLY");
    assert.equal(judge("user", { source: user, variables: undefined }), undefined);
  });

  it("measures again when variables may set a list's size", async () => {
    const judge = await judgeWithSchema();
    const source = "query($n: Int) { persons(first: $n) { nodes { id crossings(first: $n) { nodes { id } } } } }";
    assert.equal(judge("anonymous", { source, variables: { n: 2 } }), undefined);
    assert.equal(judge("anonymous", { source, variables: { n: 100 } })?.code, "OPERATION_TOO_COSTLY");
    assert.equal(judge("anonymous", { source, variables: { n: 2 } }), undefined);
  });
});
