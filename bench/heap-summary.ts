// What a router holds per subscription: compares two V8 heap snapshots (before the sockets open, and with
// them; bench/subscriptions.ts --heap-snapshot writes both) by constructor / kind of object, and divides the
// growth by the number of subscriptions. Self sizes only (an object's own bytes, not what it references), so
// the rows add up to the heap's growth.
//
//   node --import tsx bench/heap-summary.ts <before.heapsnapshot> <after.heapsnapshot> <subscriptions> [rows]
import { readFile } from "node:fs/promises";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Totals = Map<string, { count: number; bytes: number }>;

async function totals(path: string): Promise<{ byKind: Totals; bytes: number }> {
  const heap = JSON.parse(await readFile(path, "utf8")) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((field) => fields.indexOf(field)) as [number, number, number];
  const byKind: Totals = new Map();
  let bytes = 0;
  for (let offset = 0; offset < heap.nodes.length; offset += fields.length) {
    const type = types[heap.nodes[offset + typeAt]!]!;
    const name = heap.strings[heap.nodes[offset + nameAt]!]!;
    const size = heap.nodes[offset + sizeAt]!;
    const kind =
      type === "object" ? name
      : type === "closure" ? `closure ${name || "(anonymous)"}`
      : type === "array" || type === "hidden" || type === "native" ? `(${type}) ${name.slice(0, 60)}`
      : `(${type})`;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += size;
    byKind.set(kind, entry);
    bytes += size;
  }
  return { byKind, bytes };
}

const [beforePath, afterPath, subscriptionsText, rowsText] = process.argv.slice(2);
if (!beforePath || !afterPath || !subscriptionsText) {
  process.stderr.write("usage: heap-summary.ts <before.heapsnapshot> <after.heapsnapshot> <subscriptions> [rows]\n");
  process.exit(2);
}
const subscriptions = Number(subscriptionsText);
const before = await totals(beforePath);
const after = await totals(afterPath);
const rows = [...after.byKind.entries()].map(([kind, now]) => {
  const was = before.byKind.get(kind) ?? { count: 0, bytes: 0 };
  return { kind, count: now.count - was.count, bytes: now.bytes - was.bytes };
});
for (const [kind, was] of before.byKind) if (!after.byKind.has(kind)) rows.push({ kind, count: -was.count, bytes: -was.bytes });
rows.sort((a, b) => b.bytes - a.bytes);
const growth = after.bytes - before.bytes;
process.stdout.write(`heap ${(before.bytes / 1048576).toFixed(1)} → ${(after.bytes / 1048576).toFixed(1)} MiB: ${(growth / 1024 / subscriptions).toFixed(2)} KiB per subscription (${subscriptions})\n\n`);
process.stdout.write("| constructor / kind | objects per subscription | bytes per subscription |\n| --- | ---: | ---: |\n");
for (const row of rows.slice(0, Number(rowsText ?? 40))) {
  process.stdout.write(`| ${row.kind.replace(/\|/g, "\\|")} | ${(row.count / subscriptions).toFixed(2)} | ${(row.bytes / subscriptions).toFixed(0)} |\n`);
}
