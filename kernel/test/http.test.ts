// The HTTP binding's body limit, in-process: a refused body gets its 413 read by the client every time, and
// the connection is then closed by the server (never left hanging, never reset before the answer).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import type { Server } from "node:http";
import { MAX_BODY_BYTES, closeServer, createHttpServer, listen, parseGraphQLBody, sendJson } from "../http.js";

let server: Server;
let port: number;

before(async () => {
  server = createHttpServer(async (req, res) => {
    const body = await parseGraphQLBody(req);
    sendJson(res, 200, { received: body });
  }, { error: () => undefined });
  port = await listen(server, 0, "127.0.0.1");
});

after(() => closeServer(server, 1_000));

interface Exchange {
  raw: string;
  statusLines: string[];
  /** The server ended the connection (FIN), as opposed to a reset. */
  closedByServer: boolean;
  reset: boolean;
}

/** Writes `parts` on one connection and collects everything until the server closes it. */
function exchange(parts: string[]): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let raw = "";
    let closedByServer = false;
    let reset = false;
    socket.on("data", (chunk: Buffer) => (raw += chunk.toString("latin1")));
    socket.on("end", () => {
      closedByServer = true;
      socket.end();
    });
    socket.on("error", () => (reset = true));
    socket.on("close", () => resolve({ raw, statusLines: raw.match(/HTTP\/1\.1 \d{3}/g) ?? [], closedByServer, reset }));
    for (const part of parts) socket.write(part);
  });
}

const head = (length: number | "chunked", extra = "") =>
  `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${
    length === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`
  }\r\n${extra}\r\n`;
const request = (body: string, extra = "") => head(Buffer.byteLength(body), extra) + body;
const oversized = JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(MAX_BODY_BYTES + 100_000) } });

function assertRefusedAndClosed(result: Exchange) {
  assert.equal(result.statusLines[0], "HTTP/1.1 413", result.raw.slice(0, 300));
  assert.match(result.raw, /^connection: close\r$/im);
  assert.match(result.raw, /"code":"PAYLOAD_TOO_LARGE"/);
  assert.equal(result.reset, false, "the connection was reset instead of closed");
  assert.equal(result.closedByServer, true);
}

describe("a body over the limit", () => {
  test("declared by Content-Length: refused with 413, the answer read in full, then the connection closed (20 times)", async () => {
    for (let i = 0; i < 20; i += 1) assertRefusedAndClosed(await exchange([request(oversized)]));
  });

  test("sent chunked without a length: refused once it grows over the limit, then closed", async () => {
    const frame = (data: string) => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
    const chunks = Array.from({ length: Math.ceil((MAX_BODY_BYTES * 1.2) / 65_536) }, () => frame("x".repeat(65_536)));
    assertRefusedAndClosed(await exchange([head("chunked"), frame(`{"query":"{ __typename }","p":"`), ...chunks, "0\r\n\r\n"]));
  });

  test("a request pipelined after it is not answered on that connection, and the server keeps serving", async () => {
    const result = await exchange([request(oversized), request(JSON.stringify({ query: "{ a }" }))]);
    assertRefusedAndClosed(result);
    assert.equal(result.statusLines.length, 1, result.raw.slice(0, 600));
    const next = await exchange([request(JSON.stringify({ query: "{ b }" }), "Connection: close\r\n")]);
    assert.deepEqual(next.statusLines, ["HTTP/1.1 200"]);
  });
});

describe("bodies within the limit", () => {
  test("a refusal after the whole body was read (invalid JSON) keeps the connection usable", async () => {
    const result = await exchange([request("{ not json"), request(JSON.stringify({ query: "{ c }" }), "Connection: close\r\n")]);
    assert.deepEqual(result.statusLines, ["HTTP/1.1 400", "HTTP/1.1 200"], result.raw);
    assert.match(result.raw, /"received":\{"query":"\{ c \}"\}/);
  });

  test("a body of exactly the limit is accepted", async () => {
    const padding = MAX_BODY_BYTES - JSON.stringify({ query: "{ d }", p: "" }).length;
    const body = JSON.stringify({ query: "{ d }", p: "y".repeat(padding) });
    assert.equal(Buffer.byteLength(body), MAX_BODY_BYTES);
    const result = await exchange([request(body, "Connection: close\r\n")]);
    assert.deepEqual(result.statusLines, ["HTTP/1.1 200"], result.raw.slice(0, 300));
  });
});
