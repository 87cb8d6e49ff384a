import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ISOLATED_GATEWAYS, parseBenchArgs } from "../../bench/options.ts";

const parsed = (argv: string[]) => {
  const options = parseBenchArgs(argv);
  assert.notEqual(options, "help");
  return options as Exclude<typeof options, "help">;
};

describe("npm run bench -- --gateways", () => {
  it("measures every gateway when none is named", () => {
    assert.deepEqual(parsed([]).gateways, ISOLATED_GATEWAYS);
  });

  it("measures the named ones once each, in the layout's order", () => {
    assert.deepEqual(parsed(["--gateways", "citygraph, apollo,citygraph"]).gateways, ["apollo", "citygraph"]);
  });

  it("refuses an unknown gateway, naming the ones it knows", () => {
    assert.throws(() => parseBenchArgs(["--gateways", "apollo,envoy"]), /--gateways takes a comma-separated list of apollo, hive.*citygraph \(got "apollo,envoy"\)/);
    assert.throws(() => parseBenchArgs(["--gateways", ""]), /--gateways takes/);
  });

  it("refuses a choice of gateways with the shared layout, which runs its own scenarios", () => {
    assert.throws(() => parseBenchArgs(["--layout", "shared", "--gateways", "apollo"]), /isolated layout/);
  });
});

describe("npm run bench -- --soak", () => {
  it("soaks citygraph as shipped unless another gateway is named", () => {
    const options = parsed(["--soak", "30"]);
    assert.equal(options.soakMinutes, 30);
    assert.deepEqual(options.gateways, ["citygraph"]);
    assert.deepEqual(parsed(["--soak", "5", "--gateways", "apollo"]).gateways, ["apollo"]);
  });

  it("is off unless asked for", () => {
    assert.equal(parsed([]).soakMinutes, undefined);
  });

  it("refuses more than one gateway, a duration that is not whole minutes, and the shared layout", () => {
    assert.throws(() => parseBenchArgs(["--soak", "30", "--gateways", "apollo,citygraph"]), /--soak measures one gateway/);
    assert.throws(() => parseBenchArgs(["--soak", "0.5"]), /--soak must be a whole number from 1 to 1440/);
    assert.throws(() => parseBenchArgs(["--soak", "30", "--layout", "shared"]), /--soak runs in the isolated layout/);
  });
});
