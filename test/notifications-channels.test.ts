// External delivery channels and hold expiry, through the router on a real stack: an e-mail reaches a real
// SMTP server started here (smtp-server) with the recipient's address and the amount in its currency's
// format; a webhook endpoint that answers 500 first is retried, both attempts carry a valid HMAC signature,
// and the delivery log shows them; a hold past its TTL is expired by the job, which emits the events that
// notify its owner. Plus the endpoint rules (SSRF) and who may read a delivery log.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { endpointProblem } from "../subgraphs/notifications/src/channels/safe-http.js";
import { retryDelayMs } from "../subgraphs/notifications/src/channels/dispatcher.js";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { createTestDatabase, freePort, graphql, login, metricValue, startStack, type Stack, type TestDatabase } from "./support/stack.js";
import { until } from "./support/wait.js";

const ALICE_CHECKING = "FB65FDBK12817536338047";
const BOB_CHECKING = "FB82FDBK88850174739711";

interface Mail {
  to: string[];
  raw: string;
}

interface Hook {
  headers: IncomingHttpHeaders;
  body: string;
}

function verifySignature(secret: string, hook: Hook): boolean {
  const timestamp = String(hook.headers["x-fedbank-timestamp"]);
  const expected = Buffer.from(`v1=${createHmac("sha256", secret).update(`${timestamp}.${hook.body}`).digest("hex")}`);
  const given = Buffer.from(String(hook.headers["x-fedbank-signature"]));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("notification channels and hold expiry", { timeout: 240_000 }, () => {
  let database: TestDatabase;
  let stack: Stack;
  let sql: pg.Pool;
  let smtp: SMTPServer;
  let hookServer: Server;
  const mails: Mail[] = [];
  const hooks: Hook[] = [];
  let hookAnswers: number[] = [];
  let hookUrl = "";
  const tokens: Record<string, string> = {};

  const call = async (who: string, query: string, variables: Record<string, unknown> = {}) =>
    (await graphql(stack.routerUrl, query, variables, tokens[who])).body;
  const ok = (body: { data?: any; errors?: unknown }) => {
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  };
  const accountId = async (who: string, number: string) =>
    (ok(await call(who, `{ me { accounts { id number } } }`)).me.accounts as { id: string; number: string }[]).find((a) => a.number === number)!.id;

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, callback) {
        let raw = "";
        stream.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
        stream.on("end", () => {
          mails.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw });
          callback();
        });
      },
    });
    const smtpPort = await freePort();
    await new Promise<void>((resolve) => smtp.listen(smtpPort, "127.0.0.1", resolve));

    hookServer = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk));
      req.on("end", () => {
        hooks.push({ headers: req.headers, body });
        res.writeHead(hookAnswers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, "127.0.0.1", resolve));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks/fedbank`;

    database = await createTestDatabase();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    stack = await startStack({
      DATABASE_URL: database.url,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_FROM: "FedBank <alerts@fedbank.test>",
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "true",
      DELIVERY_POLL_INTERVAL_MS: "100",
      DELIVERY_RETRY_BASE_MS: "200",
      DELIVERY_RETRY_MAX_MS: "1000",
      EVENTS_POLL_INTERVAL_MS: "100",
      HOLD_TTL_SECONDS: "3",
      HOLD_EXPIRY_WARNING_SECONDS: "2",
      HOLD_EXPIRY_INTERVAL_MS: "200",
    });
    for (const who of ["alice", "bob", "admin"]) tokens[who] = await login(stack.routerUrl, `${who}@demo.bank`);
  });

  after(async () => {
    await stack?.stop();
    await sql?.end();
    await database?.drop();
    smtp?.close();
    hookServer?.close();
  });

  test("e-mail: a money-received notification reaches the SMTP server, to the recipient, with the amount formatted", async () => {
    ok(await call("alice", `mutation { updateNotificationPreferences(input: { channels: [{ kind: MONEY_RECEIVED, email: true }] }) { channels { kind email } } }`));
    const from = await accountId("bob", BOB_CHECKING);
    const reference = `mail ${randomUUID()}`;
    ok(await call("bob", OPS.transfer, { input: { fromAccountId: from, toAccountNumber: ALICE_CHECKING, amount: "1234.5", reference, idempotencyKey: randomUUID() } }));
    const mail = await until("the e-mail", async () => mails.find((m) => m.raw.includes("1234.50")));
    assert.deepEqual(mail.to, ["alice@demo.bank"]);
    const text = mail.raw.replace(/=\r?\n/g, "");
    assert.match(text, /^From: FedBank <alerts@fedbank\.test>/m);
    assert.match(text, /^Subject: You received 1234\.50 USD/m, "the amount with USD's two decimals");
    assert.match(text, /A transfer of 1234\.50 USD was credited to your account\./);
    assert.ok(!mails.some((m) => m.to.includes("bob@demo.bank")), "bob did not turn e-mail on");

    const sent = await until("the EMAIL delivery marked SENT", async () => {
      const rows = ok(await call("alice", `{ notificationDeliveries(channel: EMAIL) { channel kind status attempts attemptLog { outcome statusCode } } }`)).notificationDeliveries;
      return rows.find((row: { status: string }) => row.status === "SENT");
    });
    assert.deepEqual(sent, { channel: "EMAIL", kind: "MONEY_RECEIVED", status: "SENT", attempts: 1, attemptLog: [{ outcome: "SENT", statusCode: 250 }] });
  });

  test("webhook: signed, retried after a 500, logged attempt by attempt; the secret is shown once", async () => {
    const bad = await call("bob", `mutation { setNotificationWebhook(url: "ftp://example.com/x") { secret } }`);
    assert.equal(bad.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    const registration = ok(await call("bob", `mutation($url: String!) { setNotificationWebhook(url: $url) { url secret createdAt } }`, { url: hookUrl })).setNotificationWebhook;
    assert.equal(registration.url, hookUrl);
    assert.match(registration.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const stored = (await sql.query(`SELECT secret_encrypted FROM notifications.notification_webhooks`)).rows[0].secret_encrypted as string;
    assert.ok(!stored.includes(registration.secret.slice(6)), "stored encrypted");

    ok(await call("bob", `mutation { updateNotificationPreferences(input: { channels: [{ kind: MONEY_SENT, webhook: true }] }) { channels { kind webhook } } }`));
    hookAnswers = [500];
    const from = await accountId("bob", BOB_CHECKING);
    const transfer = ok(await call("bob", OPS.transfer, { input: { fromAccountId: from, toAccountNumber: ALICE_CHECKING, amount: "2.05", idempotencyKey: randomUUID() } })).transfer;
    const [first, second] = await until("two webhook calls", async () => (hooks.length >= 2 ? hooks : null));
    for (const hook of [first!, second!]) {
      assert.ok(verifySignature(registration.secret, hook), "HMAC-SHA256 over timestamp.body with the secret");
      assert.ok(Math.abs(Number(hook.headers["x-fedbank-timestamp"]) - Date.now() / 1000) < 300, "a current timestamp");
      const body = JSON.parse(hook.body);
      assert.equal(body.kind, "MONEY_SENT");
      assert.equal(body.title, "You sent 2.05 USD");
      assert.equal(body.transactionId, transfer.transaction.id);
    }
    assert.equal(first!.headers["x-fedbank-delivery"], second!.headers["x-fedbank-delivery"], "one delivery, retried");
    assert.ok(!verifySignature("whsec_wrong", first!), "a wrong secret does not verify");

    const query = `query($userId: ID) { notificationDeliveries(userId: $userId, channel: WEBHOOK) { id status attempts lastError attemptLog { attempt outcome statusCode } } }`;
    const delivery = await until("the webhook delivery marked SENT", async () =>
      ok(await call("bob", query)).notificationDeliveries.find((row: { status: string }) => row.status === "SENT"),
    );
    assert.equal(delivery.id, first!.headers["x-fedbank-delivery"]);
    assert.equal(delivery.attempts, 2);
    assert.deepEqual(delivery.attemptLog, [
      { attempt: 1, outcome: "RETRY", statusCode: 500 },
      { attempt: 2, outcome: "SENT", statusCode: 200 },
    ]);
    const bobId = ok(await call("bob", `{ me { id } }`)).me.id;
    const asAdmin = ok(await call("admin", query, { userId: bobId })).notificationDeliveries;
    assert.ok(asAdmin.some((row: { id: string }) => row.id === delivery.id), "an admin reads another user's log");
    const asAlice = await call("alice", query, { userId: bobId });
    assert.equal(asAlice.errors?.[0]?.extensions?.code, "FORBIDDEN", "a customer cannot read another's log");

    assert.ok(
      (await metricValue(stack.ports.notifications, 'fedbank_notification_delivery_attempts_total{channel="WEBHOOK",outcome="RETRY"}')) >= 1,
      "retries are counted on /metrics",
    );
    assert.equal(ok(await call("bob", `mutation { removeNotificationWebhook }`)).removeNotificationWebhook, true);
  });

  test("hold expiry: the job expires the hold, emits ledger.hold.expiring/expired through the outbox, the owner is notified", async () => {
    const from = await accountId("alice", ALICE_CHECKING);
    const hold = ok(await call("alice", OPS.authorize, { input: { fromAccountId: from, toAccountNumber: BOB_CHECKING, amount: "3.00", idempotencyKey: randomUUID() } }))
      .authorizeTransfer.hold;
    const status = await until("the hold to be EXPIRED in the ledger", async () => {
      const { rows } = await sql.query(`SELECT status::text AS status, settled_at FROM ledger.holds WHERE id = $1`, [hold.id]);
      return rows[0]?.status === "EXPIRED" ? rows[0] : null;
    });
    assert.ok(status.settled_at, "settled_at set with the expiry");
    const events = (await sql.query(`SELECT type, actor, payload FROM ledger.outbox_events WHERE aggregate_id = $1 AND type LIKE 'ledger.hold.%' ORDER BY sequence`, [hold.id])).rows;
    assert.deepEqual(events.map((event) => event.type), ["ledger.hold.placed", "ledger.hold.expiring", "ledger.hold.expired"]);
    assert.equal(events[2].actor, null, "a system event");
    assert.equal(events[2].payload.amountMinor, "300");

    const kinds = await until("HOLD_EXPIRING and HOLD_EXPIRED notifications", async () => {
      const { rows } = await sql.query(
        `SELECT n.kind, n.title FROM notifications.notifications n JOIN users.users u ON u.id = n.user_id
          WHERE u.email = 'alice@demo.bank' AND n.kind IN ('HOLD_EXPIRING', 'HOLD_EXPIRED') ORDER BY n.kind`,
      );
      return rows.length === 2 ? rows : null;
    });
    assert.deepEqual(kinds, [
      { kind: "HOLD_EXPIRED", title: "Pending transfer of 3.00 USD expired" },
      { kind: "HOLD_EXPIRING", title: "Reservation of 3.00 USD expires soon" },
    ]);
    const capture = await call("alice", `mutation($input: CaptureInput!) { captureTransfer(input: $input) { replayed } }`, {
      input: { holdId: hold.id, idempotencyKey: randomUUID() },
    });
    assert.equal(capture.errors?.[0]?.extensions?.code, "HOLD_NOT_PENDING", "an expired hold cannot be captured");
  });

  test("a refused transfer notifies its sender (TRANSFER_FAILED), and nothing moved", async () => {
    const from = await accountId("bob", BOB_CHECKING);
    const refused = await call("bob", OPS.transfer, { input: { fromAccountId: from, toAccountNumber: ALICE_CHECKING, amount: "99999999.00", idempotencyKey: randomUUID() } });
    assert.equal(refused.errors?.[0]?.extensions?.code, "INSUFFICIENT_FUNDS");
    const notification = await until("the TRANSFER_FAILED notification", async () =>
      ok(await call("bob", `{ me { notifications(first: 10) { edges { node { kind title body } } } } }`)).me.notifications.edges
        .map((edge: { node: { kind: string } }) => edge.node)
        .find((node: { kind: string }) => node.kind === "TRANSFER_FAILED"),
    );
    assert.deepEqual(notification, {
      kind: "TRANSFER_FAILED",
      title: "A transfer of 99999999.00 USD failed",
      body: "Your transfer of 99999999.00 USD was refused (not enough available funds); no money moved.",
    });
  });

  test("webhook endpoints: only http(s), no credentials, no private addresses unless allowed; backoff grows with jitter", () => {
    for (const url of ["http://10.0.0.5/x", "http://169.254.169.254/latest/meta-data", "http://127.0.0.1:8080/", "http://[::1]/", "http://localhost/x", "http://192.168.1.1/"]) {
      assert.ok(endpointProblem(url, false), `${url} refused`);
    }
    assert.ok(endpointProblem("file:///etc/passwd", true));
    assert.ok(endpointProblem("https://user:pw@example.com/", true));
    assert.equal(endpointProblem("https://hooks.example.com/fedbank", false), null);
    assert.equal(endpointProblem("http://127.0.0.1:8080/", true), null);
    assert.equal(retryDelayMs(1, 1000, 60_000, () => 0), 500);
    assert.equal(retryDelayMs(3, 1000, 60_000, () => 1), 4000);
    assert.equal(retryDelayMs(20, 1000, 60_000, () => 1), 60_000, "capped");
  });
});
