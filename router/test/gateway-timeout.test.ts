// SUBGRAPH_TIMEOUT_MS reaches the gateway's HTTP client: a subgraph that never answers fails the fetch after
// the timeout instead of holding the client request open.
import assert from "node:assert/strict";
import { createServer, type ServerResponse } from "node:http";
import { test } from "node:test";
import { RemoteGraphQLDataSource } from "@apollo/gateway";
import { timeoutFetcher } from "../src/apollo-executor.js";

test("a subgraph fetch is aborted after the configured timeout", async () => {
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (req.url === "/fast") return res.end("ok");
    hanging.add(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    const fetcher = timeoutFetcher(new RemoteGraphQLDataSource({ url: "http://unused" }).fetcher, 300);
    assert.equal(await (await fetcher(`http://127.0.0.1:${port}/fast`, { method: "GET" })).text(), "ok");
    const started = Date.now();
    await assert.rejects(fetcher(`http://127.0.0.1:${port}/slow`, { method: "POST", body: "{}" }), /timeout|timed out/i);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 2_000, `aborted after ${elapsed} ms`);
  } finally {
    for (const res of hanging) res.destroy();
    server.close();
  }
});
