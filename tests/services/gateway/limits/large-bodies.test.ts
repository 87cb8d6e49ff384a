import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { bearer } from "../../../support/security.ts";

/**
 * A flood of large documents must not queue their parsing ahead of everyone else: bodies over
 * 64 KiB are handled two at a time, and small requests and `/healthz` never wait for a slot.
 * (`npm run bench:limits` measures the effect; this checks the mechanism.)
 */
describe("large request bodies", () => {
  let stack: TestStack;
  let authorization: string;
  before(async () => {
    stack = await startStack();
    authorization = (await bearer(["registry:internal"])).authorization!;
  });
  after(() => stack.stop());

  const large = (pad: number) => JSON.stringify({ query: `{ districts { code } } #${"x".repeat(pad)}` });

  /** A POST whose headers and half its body are sent: it holds a large-body slot until `finish`. */
  function holdSlot(): Promise<{ socket: Socket; finish(): Promise<string> }> {
    const body = large(200 * 1024);
    const url = new URL(stack.gatewayUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\nauthorization: ${authorization}\r\n` +
            `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body.slice(0, 1000)}`,
        );
        let answer = "";
        socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
        const ended = new Promise<string>((done) => socket.once("end", () => done(answer)));
        resolve({ socket, finish: () => (socket.write(body.slice(1000)), ended) });
      });
      socket.once("error", reject);
    });
  }

  it("answers small requests and /healthz while large ones wait for a slot, and then the large ones too", async () => {
    const holders = [await holdSlot(), await holdSlot()];
    let thirdAnswered = false;
    const third = fetch(stack.gatewayUrl, { method: "POST", headers: { "content-type": "application/json", authorization }, body: large(100 * 1024) }).then(
      async (r) => {
        thirdAnswered = true;
        return r.status;
      },
    );
    const small = await stack.query(`{ districts { code } }`);
    assert.equal(small.status, 200);
    assert.equal((await fetch(new URL("/healthz", stack.gatewayUrl))).status, 200);
    // Both slots are held: however long it waits, the third large request is not answered.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(thirdAnswered, false, "a third large body waits while two are being read");
    const answers = await Promise.all(holders.map((h) => h.finish()));
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 200/);
    assert.equal(await third, 200);
  });

  it("refuses a declared body over the caller's limit without reading it", async () => {
    const response = await fetch(stack.gatewayUrl, { method: "POST", headers: { "content-type": "application/json" }, body: large(70 * 1024) });
    assert.equal(response.status, 413);
    assert.equal(response.headers.get("connection"), "close");
    const signedIn = await fetch(stack.gatewayUrl, { method: "POST", headers: { "content-type": "application/json", authorization }, body: large(70 * 1024) });
    assert.equal(signedIn.status, 200);
    // An empty credential header is no credential (an attacker's bypass of the limit).
    for (const header of ["authorization", "x-api-key"]) {
      const empty = await fetch(stack.gatewayUrl, { method: "POST", headers: { "content-type": "application/json", [header]: " " }, body: large(70 * 1024) });
      assert.equal(empty.status, 413, header);
    }
  });
});
