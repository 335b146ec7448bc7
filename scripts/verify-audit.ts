// `npm run verify:audit`: an auditor's independent check of the audit trail (docs/audit.md).
//
//   --database-url URL   recompute the hash chain from the table itself (a live database, or a dump restored
//                        into one); DATABASE_URL is used when the flag is absent and no --api is given
//   --api URL --token T  ask the platform (router) to verify, and fetch a signed digest
//   --digest FILE        check a digest saved earlier: its Ed25519 signature (with --public-key FILE, else
//                        the key in the digest, with a warning) and that the chain still has its head hash
//   --save-digest FILE   with --api: store the current signed digest (keep it outside the system)
//   --from N --to N      limit the chain check to a range of sequences
//
// Exit code 0 when everything checked is intact, 1 when something is not, 2 on a usage error.
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { GENESIS_HASH, computeAuditHash } from "../subgraphs/audit/src/chain.js";
import { verifyAuditDigestSignature, type AuditDigest } from "../subgraphs/audit/src/digest.js";

const { values } = parseArgs({
  options: {
    "database-url": { type: "string" },
    api: { type: "string" },
    token: { type: "string" },
    digest: { type: "string" },
    "save-digest": { type: "string" },
    "public-key": { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
  },
});

const print = (line: string) => process.stdout.write(`${line}\n`);
let failed = false;
const fail = (line: string) => {
  failed = true;
  print(`FAIL ${line}`);
};

interface Row {
  sequence: string;
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string | null;
  session_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  outcome: "SUCCESS" | "FAILURE" | "DENIED";
  error_code: string | null;
  request_id: string | null;
  client_ip: string | null;
  user_agent: string | null;
  source: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

/** Recomputes every hash and link in sequence order; returns the head's sequence and hash. */
async function verifyFromDatabase(url: string, from: bigint, to: bigint | null): Promise<Map<bigint, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const hashes = new Map<bigint, string>();
  try {
    let expected = from;
    let prevHash = GENESIS_HASH;
    if (from > 1n) {
      const { rows } = await client.query<{ sequence: string; hash: string }>(
        "SELECT sequence::text, hash FROM audit.audit_events WHERE sequence < $1 ORDER BY audit_events.sequence DESC LIMIT 1",
        [from.toString()],
      );
      if (rows[0]) {
        expected = BigInt(rows[0].sequence) + 1n;
        prevHash = rows[0].hash;
      }
    }
    let checked = 0;
    let next = from;
    for (;;) {
      const { rows } = await client.query<Row>(
        `SELECT sequence::text, id::text, occurred_at, actor_id::text, actor_role, session_id::text, action, entity_type, entity_id,
                outcome::text, error_code, request_id, client_ip, user_agent, source, details, prev_hash, hash
           FROM audit.audit_events WHERE sequence >= $1 ${to === null ? "" : "AND sequence <= $2"} ORDER BY audit_events.sequence LIMIT 1000`,
        to === null ? [next.toString()] : [next.toString(), to.toString()],
      );
      for (const row of rows) {
        const sequence = BigInt(row.sequence);
        checked += 1;
        const content = {
          id: row.id,
          sequence,
          occurredAt: row.occurred_at,
          actorId: row.actor_id,
          actorRole: row.actor_role,
          sessionId: row.session_id,
          action: row.action,
          entityType: row.entity_type,
          entityId: row.entity_id,
          outcome: row.outcome,
          errorCode: row.error_code,
          requestId: row.request_id,
          clientIp: row.client_ip,
          userAgent: row.user_agent,
          source: row.source,
          details: row.details,
        };
        if (sequence !== expected) {
          fail(`chain: record at sequence ${sequence} follows ${expected - 1n} (a record is missing or out of place)`);
          return hashes;
        }
        if (row.prev_hash !== prevHash) {
          fail(`chain: sequence ${sequence} does not link to the previous record's hash`);
          return hashes;
        }
        if (computeAuditHash(row.prev_hash, content) !== row.hash) {
          fail(`chain: sequence ${sequence} does not match its hash (its content was changed)`);
          return hashes;
        }
        hashes.set(sequence, row.hash);
        prevHash = row.hash;
        expected += 1n;
      }
      if (rows.length < 1000) break;
      next = BigInt(rows.at(-1)!.sequence) + 1n;
    }
    print(`OK   chain: ${checked} records recomputed, every hash and link intact`);
    return hashes;
  } finally {
    await client.end();
  }
}

async function callApi<T>(query: string): Promise<T> {
  const response = await fetch(values.api!, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${values.token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data) throw new Error(`the API answered: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function main() {
  const from = values.from ? BigInt(values.from) : 1n;
  const to = values.to ? BigInt(values.to) : null;
  const databaseUrl = values["database-url"] ?? (values.api ? undefined : process.env.DATABASE_URL);
  if (!databaseUrl && !values.api) {
    print("usage: verify-audit [--database-url URL] [--api URL --token T] [--digest FILE [--public-key FILE]] [--save-digest FILE]");
    process.exit(2);
  }
  if (values.api && !values.token) {
    print("--api needs --token (an AUDITOR or ADMIN access token)");
    process.exit(2);
  }

  const hashes = databaseUrl ? await verifyFromDatabase(databaseUrl, from, to) : null;

  if (values.api) {
    const range = [values.from ? `fromSequence: "${from}"` : "", to !== null ? `toSequence: "${to}"` : ""].filter(Boolean).join(", ");
    const { verifyAuditChain } = await callApi<{ verifyAuditChain: { valid: boolean; checked: number; firstInvalidSequence: string | null } }>(
      `{ verifyAuditChain${range ? `(${range})` : ""} { valid checked firstInvalidSequence } }`,
    );
    if (verifyAuditChain.valid) print(`OK   api: verifyAuditChain checked ${verifyAuditChain.checked} records`);
    else fail(`api: verifyAuditChain reports sequence ${verifyAuditChain.firstInvalidSequence}`);
    if (values["save-digest"]) {
      const { auditDigest } = await callApi<{ auditDigest: AuditDigest }>(
        "{ auditDigest { headSequence headHash issuedAt algorithm keyId publicKey message signature } }",
      );
      await writeFile(values["save-digest"], `${JSON.stringify(auditDigest, null, 2)}\n`);
      print(`OK   digest saved: head sequence ${auditDigest.headSequence} (${values["save-digest"]})`);
    }
  }

  if (values.digest) {
    const digest = JSON.parse(await readFile(values.digest, "utf8")) as AuditDigest;
    const publicKey = values["public-key"] ? await readFile(values["public-key"], "utf8") : digest.publicKey;
    if (!values["public-key"]) print("WARN digest: checked with the key inside the digest; pass --public-key with a key obtained independently");
    if (verifyAuditDigestSignature(digest, publicKey)) print(`OK   digest: signature valid (key ${digest.keyId})`);
    else fail("digest: the signature does not verify");
    if (hashes) {
      const head = BigInt(digest.headSequence);
      const now = head === 0n ? GENESIS_HASH : hashes.get(head);
      if (now === digest.headHash) print(`OK   digest: the chain still has hash ${digest.headHash.slice(0, 16)}… at sequence ${head}`);
      else fail(`digest: sequence ${head} no longer has the signed hash (the chain up to it was changed)`);
    }
  }
  process.exit(failed ? 1 : 0);
}

await main();
