import { test } from "node:test";
import assert from "node:assert/strict";
import { loadByIds, loadGroupedByIds } from "../batch.js";

const A = "0b9f3c4e-1d2a-4e5f-8a6b-7c8d9e0f1a2b";
const B = "7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10";

test("loadByIds answers in key order, null for missing or malformed keys, one fetch of distinct valid ids", async () => {
  const fetched: string[][] = [];
  const rows = await loadByIds(
    [B, "not-a-uuid", A.toUpperCase(), B, "'; DROP TABLE x; --"],
    async (ids) => {
      fetched.push(ids);
      return [{ id: A }, { id: B }];
    },
    (row) => row.id,
  );
  assert.deepEqual(fetched, [[B, A]], "malformed ids never reach the database; duplicates are fetched once");
  assert.deepEqual(rows, [{ id: B }, null, { id: A }, { id: B }, null]);
});

test("loadByIds does not query at all when no key is a valid id", async () => {
  let calls = 0;
  const rows = await loadByIds(["x", ""], async () => (calls++, []), (row: { id: string }) => row.id);
  assert.equal(calls, 0);
  assert.deepEqual(rows, [null, null]);
});

test("loadGroupedByIds groups rows under their parent key and gives [] to parents without rows", async () => {
  const groups = await loadGroupedByIds(
    [A, B, A.toUpperCase()],
    async () => [{ parent: A, n: 1 }, { parent: A, n: 2 }],
    (row) => row.parent,
  );
  assert.deepEqual(groups, [[{ parent: A, n: 1 }, { parent: A, n: 2 }], [], [{ parent: A, n: 1 }, { parent: A, n: 2 }]]);
});
