// Which Accept headers get @defer's incremental delivery and which get a streaming subscription
// (router/src/streaming/framing.ts), as the clients in use send them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { acceptsIncrementalDelivery, incrementalDelivery, streamingKind } from "../src/streaming/framing.js";

const APOLLO_DEFER = "multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9";
const APOLLO_SUBSCRIPTION = "multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json";
const URQL_QUERY = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed";
const URQL_SUBSCRIPTION = "text/event-stream, multipart/mixed";

test("incremental delivery: Apollo Client's and urql's query Accept headers take it; JSON only, subscriptions and the newer format do not", () => {
  assert.equal(acceptsIncrementalDelivery(APOLLO_DEFER), true);
  assert.equal(acceptsIncrementalDelivery(URQL_QUERY), true);
  assert.equal(acceptsIncrementalDelivery('multipart/mixed; deferSpec="20220824"'), true);
  assert.equal(acceptsIncrementalDelivery("application/json"), false);
  assert.equal(acceptsIncrementalDelivery(undefined), false);
  assert.equal(acceptsIncrementalDelivery(APOLLO_SUBSCRIPTION), false);
  assert.equal(acceptsIncrementalDelivery("multipart/mixed;incrementalSpec=v0.2"), false);
  assert.equal(acceptsIncrementalDelivery("multipart/mixed;q=0, application/json"), false);
});

test("streaming subscriptions: urql's query Accept (text/event-stream after JSON) is an ordinary request, its subscription Accept is SSE", () => {
  assert.equal(streamingKind(URQL_QUERY), null);
  assert.equal(streamingKind(URQL_SUBSCRIPTION), "sse");
  assert.equal(streamingKind("text/event-stream"), "sse");
  assert.equal(streamingKind(APOLLO_SUBSCRIPTION), "multipart");
  assert.equal(streamingKind(APOLLO_DEFER), null);
});

test("the multipart framing: boundary '-', each part followed by the next delimiter, the closing one at the end", () => {
  const body = incrementalDelivery.first('{"data":{},"hasNext":true}') + incrementalDelivery.next('{"hasNext":false}') + incrementalDelivery.end;
  assert.equal(incrementalDelivery.contentType, 'multipart/mixed; boundary="-"; deferSpec=20220824');
  assert.equal(body, '\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n{"data":{},"hasNext":true}\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n{"hasNext":false}\r\n-----\r\n');
});
