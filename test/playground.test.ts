// The analysts' playground in a real browser: Debian's headless Chromium (driven by playwright-core) opens
// GET /graphql on the real platform with every request to another host blocked and recorded, logs in
// through GraphiQL, puts the token in the headers editor, runs a query and reads the result pane; then, in
// a second browser, signs in through the sign-in panel (the token reaches every tab and subscription,
// survives a reload, is refreshed before it expires), sees a refused subscription's and a closed socket's
// errors as the server sent them, the staff query-plan view, the table/CSV/chart view and saved operations.
// Also: the page's headers, the example operations against the supergraph, the table helpers, the
// query-plan header's staff rule over HTTP, and the PLAYGROUND switch.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { parse, validate } from "graphql";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { EXAMPLE_TABS } from "../router/src/playground/examples.js";
import { findLists, labelColumn, numericColumns, tableOf, toCsv } from "../router/src/playground/result-table.js";
import { contentSecurityPolicy, createPlayground, playgroundEnabled } from "../router/src/playground/index.js";
import { routerConfigSchema } from "../router/src/config.js";
import { signUp, STRONG_PASSWORD, totpNow, uniqueEmail } from "./support/identity.js";
import { createTestDatabase, DEMO_PASSWORD, graphql, login, metricValue, ROOT, startStack, type Stack, type TestDatabase } from "./support/stack.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumMissing = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) to run the browser tests`;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

describe("table view helpers", () => {
  const data = {
    me: {
      accounts: [
        { number: "A1", balance: { amount: "10.50", currency: "USD" }, transactions: { edges: [{ node: { amount: "-1.00", memo: "=cmd" } }] } },
        { number: "A2", balance: { amount: "-3", currency: "USD" }, transactions: { edges: [] } },
      ],
    },
  };

  test("finds every list of objects, flattens rows into dotted columns, and picks numeric columns", () => {
    const lists = findLists(data);
    assert.deepEqual(lists.map((list) => list.path), ["me.accounts", "me.accounts.0.transactions.edges"]);
    const table = tableOf(lists[0]!);
    assert.deepEqual(table.columns, ["number", "balance.amount", "balance.currency", "transactions.edges"]);
    assert.deepEqual(table.rows[0], ["A1", "10.50", "USD", "[1 item]"]);
    assert.deepEqual(numericColumns(table), ["balance.amount"]);
    assert.equal(labelColumn(table), "number");
  });

  test("CSV: RFC 4180 quoting, CRLF, and formula-looking text made inert", () => {
    const table = tableOf(findLists(data)[1]!);
    assert.equal(toCsv(table), "node.amount,node.memo\r\n-1.00,'=cmd\r\n");
    assert.equal(toCsv({ columns: ["a"], rows: [['say "hi", ok']] }), 'a\r\n"say ""hi"", ok"\r\n');
  });
});

describe("example operations", () => {
  test("every example is valid against the composed supergraph's API schema (future ones are named)", async () => {
    const supergraph = await readFile(`${ROOT}schema/supergraph.graphql`, "utf8");
    // The API schema clients see (no join/inaccessible parts), as the gateway derives it; the package
    // comes with @apollo/gateway and @apollo/composition.
    const { Supergraph } = await import("@apollo/federation-internals");
    const schema = Supergraph.build(supergraph, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
    const titles = EXAMPLE_TABS.map((tab) => tab.title);
    assert.deepEqual(titles, ["Log in", "My accounts", "Transfer", "Live notifications", "Dashboard metrics"]);
    for (const tab of EXAMPLE_TABS) {
      const document = parse(tab.query);
      const errors = validate(schema, document).map((error) => error.message);
      // graphql-js 16 does not flag an operation type the schema lacks (e.g. no Subscription type).
      for (const definition of document.definitions) {
        if (definition.kind === "OperationDefinition" && !schema.getRootType(definition.operation)) {
          errors.push(`the schema has no ${definition.operation} type`);
        }
      }
      if (tab.future) {
        // Not served yet: it must fail only because the schema lacks the feature it names.
        assert.ok(errors.length > 0, `${tab.title} is valid now: drop its "future" note`);
      } else {
        assert.deepEqual(errors, [], `${tab.title}: ${errors.join("; ")}`);
      }
      if (tab.variables) JSON.parse(tab.variables);
    }
  });
});

describe("playground switch and headers (no browser)", () => {
  test("PLAYGROUND defaults to on outside production and off in production, and can be forced", () => {
    const parse = (env: Record<string, string>) => routerConfigSchema.shape.PLAYGROUND.parse(env.PLAYGROUND);
    assert.equal(playgroundEnabled({ NODE_ENV: "development", PLAYGROUND: parse({}) }), true);
    assert.equal(playgroundEnabled({ NODE_ENV: "test", PLAYGROUND: parse({}) }), true);
    assert.equal(playgroundEnabled({ NODE_ENV: "production", PLAYGROUND: parse({}) }), false);
    assert.equal(playgroundEnabled({ NODE_ENV: "production", PLAYGROUND: parse({ PLAYGROUND: "true" }) }), true);
    assert.equal(playgroundEnabled({ NODE_ENV: "development", PLAYGROUND: parse({ PLAYGROUND: "0" }) }), false);
    // `staff`: served, with the schema for staff tokens only (test/observability.test.ts runs it).
    assert.equal(playgroundEnabled({ NODE_ENV: "production", PLAYGROUND: parse({ PLAYGROUND: "staff" }) }), true);
    assert.throws(() => parse({ PLAYGROUND: "yes" }));
  });

  test("the CSP names only the router itself, and echoes no hostile Host header", () => {
    const policy = contentSecurityPolicy("bank.example:4000");
    assert.match(policy, /script-src 'self';/);
    assert.match(policy, /connect-src 'self' ws:\/\/bank\.example:4000 wss:\/\/bank\.example:4000;/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|https?:/);
    assert.match(contentSecurityPolicy("evil.example; script-src *"), /connect-src 'self';/);
  });

  test("disabled: nothing is served and nothing is built", async () => {
    const playground = createPlayground({ enabled: false });
    const server = createServer(async (req, res) => {
      if (await playground.handle(req, res)) return;
      res.writeHead(404).end("router");
    });
    const base = await listen(server);
    try {
      const page = await fetch(`${base}/graphql`, { headers: { accept: "text/html" } });
      assert.equal(await page.text(), "router");
      const asset = await fetch(`${base}/playground/assets/anything.js`);
      assert.equal(await asset.text(), "router");
    } finally {
      server.close();
    }
  });

  test("enabled: page with strict headers, hashed assets (gzip, caching), JSON clients untouched", async () => {
    const playground = createPlayground({ enabled: true });
    const server = createServer(async (req, res) => {
      if (await playground.handle(req, res)) return;
      res.writeHead(404).end("router");
    });
    const base = await listen(server);
    try {
      const page = await fetch(`${base}/graphql`, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
      assert.equal(page.status, 200);
      assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
      assert.match(page.headers.get("content-security-policy") ?? "", /^default-src 'none'; script-src 'self'; style-src 'self';/);
      const html = await page.text();
      assert.doesNotMatch(html, /<script>|<style|\sstyle=|\son\w+=/i, "no inline script, style or handler");
      const scripts = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
      assert.deepEqual(
        scripts.filter((url) => url !== "data:,").map((url) => url.replace(/-[A-Z0-9]+\./, "-HASH.")),
        ["/playground/assets/main-HASH.css", "/playground/assets/main-HASH.js"],
      );
      for (const path of scripts.filter((url) => url !== "data:,")) {
        const asset = await fetch(`${base}${path}`, { headers: { "accept-encoding": "gzip" } });
        assert.equal(asset.status, 200, path);
        assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
        assert.equal(asset.headers.get("x-content-type-options"), "nosniff");
        const body = await asset.text(); // fetch decodes gzip
        assert.ok(body.length > 10_000, `${path} is the real bundle`);
        const again = await fetch(`${base}${path}`, { headers: { "accept-encoding": "gzip", "if-none-match": asset.headers.get("etag")! } });
        assert.equal(again.status, 304);
      }
      assert.equal((await fetch(`${base}/playground/assets/nope.js`)).status, 404);
      // A GraphQL client's GET (no text/html) is left to the router.
      const json = await fetch(`${base}/graphql?query=%7B__typename%7D`, { headers: { accept: "application/json" } });
      assert.equal(await json.text(), "router");
    } finally {
      server.close();
    }
  });
});

describe("the playground in a browser, against the real platform", { skip: chromiumMissing }, () => {
  let database: TestDatabase;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  /** The second browser: signed in through the panel. */
  let panel: Page;
  let origin: string;
  /** Alice's USD checking account number (from the seed, read through the API). */
  let aliceChecking: string;
  const otherHosts: string[] = [];
  const requests: string[] = [];

  before(async () => {
    const { chromium } = await import("playwright-core");
    database = await createTestDatabase();
    // A one-minute access token: the panel's refresh (before expiry) happens within the test.
    stack = await startStack({ DATABASE_URL: database.url, ACCESS_TOKEN_TTL_SECONDS: "60" });
    origin = new URL(stack.routerUrl).origin;
    const { body: mine } = await graphql<{ me: { accounts: { number: string; type: string; currency: string }[] } }>(
      stack.routerUrl, "{ me { accounts { number type currency } } }", {}, await login(stack.routerUrl, "alice@demo.bank"),
    );
    aliceChecking = mine.data!.me.accounts.find((account) => account.type === "CHECKING" && account.currency === "USD")!.number;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    page = await openBrowserPage();
  });

  /** A page in a browser context of its own (own storage), restricted to this machine and recorded. */
  async function openBrowserPage(): Promise<Page> {
    const context: BrowserContext = await browser.newContext({ acceptDownloads: true });
    // The network is restricted to this machine: anything else is recorded and refused.
    await context.route("**/*", async (route) => {
      const url = new URL(route.request().url());
      requests.push(url.href);
      if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
      otherHosts.push(url.href);
      return route.abort("blockedbyclient");
    });
    // CSP violations would mean part of the page was refused: collect them from the page itself.
    // (Browser-side code is given as strings: this project's TypeScript has no DOM types.)
    await context.addInitScript(
      `window.cspViolations = [];
       document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));`,
    );
    const opened = await context.newPage();
    // WebSockets bypass request routing: record them too.
    opened.on("websocket", (socket) => {
      const url = new URL(socket.url());
      requests.push(url.href);
      if (!LOCAL_HOSTS.has(url.hostname)) otherHosts.push(url.href);
    });
    return opened;
  }

  after(async () => {
    await browser?.close();
    const code = await stack?.stop();
    await database?.drop();
    assert.equal(code, 0, "the platform stops cleanly on SIGTERM");
  });

  /**
   * Waits until a browser-side expression is true, polling from here: Playwright's waitForFunction evaluates
   * its predicate with eval once it has to poll, which the page's CSP (rightly) refuses.
   */
  async function until(on: Page, expression: string, what: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await on.evaluate<boolean>(expression))) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await on.waitForTimeout(100);
    }
  }

  /** Contents of the result pane (GraphiQL's response editor). */
  async function resultText(on: Page = page): Promise<string> {
    return on.evaluate(editorValue("section.result-window"));
  }

  async function runAndWaitFor(pattern: RegExp, on: Page = page): Promise<string> {
    const before = await resultText(on);
    // GraphiQL reads the operation's name from the editor after a short debounce: wait until it has the
    // name of the text now in the editor, or the click sends the previous tab's (or text's) name.
    await until(
      on,
      `(() => {
        const editor = document.querySelector(".graphiql-query-editor .CodeMirror")?.CodeMirror;
        const name = /^\\s*(?:query|mutation|subscription)\\s+(\\w+)/m.exec(editor?.getValue() ?? "")?.[1];
        return !editor || !name || editor.operationName === name;
      })()`,
      "GraphiQL to read the operation's name",
    );
    await on.click(".graphiql-execute-button");
    let text = before;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      text = await resultText(on);
      if (text !== before && pattern.test(text)) return text;
      await on.waitForTimeout(100);
    }
    // The platform's logged errors, if any, say why (e.g. an INTERNAL_SERVER_ERROR's cause, by request id).
    const logged = stack.output().split("\n").filter((line) => line.includes('"level":50')).slice(-3).join("\n");
    assert.fail(`the result pane never showed ${pattern}; it shows: ${text.slice(0, 500)}\n${logged}`);
  }

  async function openTab(name: string, on: Page = page) {
    await on.locator(".graphiql-tab-button", { hasText: name }).click();
    await until(on, `Boolean(document.querySelector(".graphiql-tab-active")?.textContent.includes(${JSON.stringify(name)}))`, `the ${name} tab`);
  }

  /** Replaces the active tab's operation. */
  async function typeQuery(query: string, on: Page = panel) {
    await on.locator(".graphiql-query-editor .CodeMirror").click();
    await on.keyboard.press("Control+A");
    await on.keyboard.insertText(query);
  }

  async function signInThroughPanel(email: string) {
    await panel.fill("#fb-email", email);
    await panel.fill("#fb-password", DEMO_PASSWORD);
    await panel.click('#fb-sign-in button[type="submit"]');
    await panel.locator("#fb-signed-in", { hasText: email }).waitFor({ timeout: 15_000 });
  }

  async function showPlugin(title: string) {
    const hidden = panel.locator(`button[aria-label="Show ${title}"]`);
    if (await hidden.count()) await hidden.click();
  }

  test("GET /graphql in a browser is the playground, with every example operation as a tab", async () => {
    const response = await page.goto(`${origin}/graphql`);
    assert.equal(response?.status(), 200);
    assert.equal(response?.headers()["content-type"], "text/html; charset=utf-8");
    await page.waitForSelector(".graphiql-container");
    const tabs = await page.locator(".graphiql-tab-button").allTextContents();
    assert.deepEqual(tabs, ["Login", "MyAccounts", "Transfer", "LiveNotifications", "DashboardMetrics"]);
  });

  test("schema docs come from introspection, with the SDL descriptions", async () => {
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).first().click();
    await page.locator(".graphiql-doc-explorer").getByText("The signed-in user.").first().waitFor({ timeout: 15_000 });
    await page.click('button[aria-label="Hide Documentation Explorer"]');
  });

  test("log in through the IDE, put the token in the headers editor, run a query, see the result", async () => {
    await openTab("Login");
    const login = JSON.parse(await runAndWaitFor(/accessToken/)) as { data: { login: { accessToken: string; user: { email: string } } } };
    assert.equal(login.data.login.user.email, "alice@demo.bank");
    const token = login.data.login.accessToken;

    await openTab("MyAccounts");
    // Without the header the router refuses: the header editor is what authenticates the next run.
    assert.match(await runAndWaitFor(/errors/), /UNAUTHENTICATED/);

    const headers = JSON.stringify({ Authorization: `Bearer ${token}` });
    await page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(headers);
    const typed = await page.evaluate(editorValue(".graphiql-editor-tool .graphiql-editor:not(.hidden)"));
    assert.equal(typed, headers);

    const result = JSON.parse(await runAndWaitFor(new RegExp(aliceChecking))) as {
      data: { me: { name: string; accounts: { number: string; balance: { amount: string; currency: string } }[] } };
    };
    assert.equal(result.data.me.name, "Alice Martin");
    const checking = result.data.me.accounts.find((account) => account.number === aliceChecking);
    assert.deepEqual(checking?.balance, { amount: "1894.49", currency: "USD" });
  });

  test("a subscription in the IDE shows a live notification", async () => {
    // "LiveNotifications" with Alice's token in the headers editor; a transfer to Alice through the API
    // (by Bob) appears in the result pane, with the amount resolved from the transactions subgraph.
    const alice = await login(stack.routerUrl, "alice@demo.bank");
    const bob = await login(stack.routerUrl, "bob@demo.bank");
    await openTab("LiveNotifications");
    await page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${alice}` }));
    const active = await metricValue(stack.ports.router, "fedbank_router_subscriptions_active");
    const shown = runAndWaitFor(/MONEY_RECEIVED[\s\S]*"4\.56"/);
    while ((await metricValue(stack.ports.router, "fedbank_router_subscriptions_active")) <= active) await page.waitForTimeout(50);
    const { body: accounts } = await graphql<{ me: { accounts: { id: string; number: string; currency: string }[] } }>(stack.routerUrl, "{ me { accounts { id number currency } } }", {}, bob);
    const from = accounts.data!.me.accounts.find((account) => account.currency === "USD")!;
    const { body } = await graphql(
      stack.routerUrl,
      "mutation($input: TransferInput!) { transfer(input: $input) { transaction { id } } }",
      { input: { fromAccountId: from.id, toAccountNumber: aliceChecking, amount: "4.56", idempotencyKey: `playground-live-${Date.now()}` } },
      bob,
    );
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const result = JSON.parse(await shown) as { data: { notificationReceived: { kind: string; transaction: { amount: { amount: string } } } } };
    assert.equal(result.data.notificationReceived.kind, "MONEY_RECEIVED");
    assert.equal(result.data.notificationReceived.transaction.amount.amount, "4.56");
  });

  test("sign-in panel: the session's token reaches every tab without headers, and survives a reload", async () => {
    panel = await openBrowserPage();
    // The page's clock runs as usual but can be moved forward: the refresh test skips the half-minute wait.
    await panel.clock.install();
    await panel.goto(`${origin}/graphql`);
    await panel.waitForSelector(".graphiql-container");
    await signInThroughPanel("alice@demo.bank");
    // Tab one: an example, with an empty headers editor.
    await openTab("MyAccounts", panel);
    assert.match(await runAndWaitFor(new RegExp(aliceChecking), panel), /"Alice Martin"/);
    // Tab two: a new one.
    await panel.click('button[aria-label="New tab"]');
    await typeQuery("query WhoAmI { me { email role } }");
    assert.match(await runAndWaitFor(/alice@demo\.bank/, panel), /"CUSTOMER"/);
    // The session lives in this browser tab's sessionStorage: a reload keeps it.
    await panel.reload();
    await panel.locator("#fb-signed-in", { hasText: "alice@demo.bank" }).waitFor();
    await openTab("MyAccounts", panel);
    assert.match(await runAndWaitFor(new RegExp(aliceChecking), panel), /"balance": \{\s+"amount": "\d+\.\d\d"/);
  });

  test("table view of a list in the result, CSV download and a bar chart of a numeric column", async () => {
    await showPlugin("Table");
    const table = panel.locator(".fb-table");
    await table.locator("td", { hasText: aliceChecking }).waitFor();
    const headers = await table.locator("th").allTextContents();
    assert.ok(headers.includes("number") && headers.includes("balance.amount"), headers.join(", "));
    assert.equal(await panel.locator("#fb-table-list").inputValue(), "me.accounts");
    const rows = await table.locator("tbody tr").count();
    assert.equal(rows, 3, "Alice's three accounts");
    // A bar per row, for a numeric column (money amounts are decimal strings).
    assert.equal(await panel.locator(".fb-chart rect").count(), rows);
    const [download] = await Promise.all([panel.waitForEvent("download"), panel.click("#fb-csv")]);
    assert.equal(download.suggestedFilename(), "me.accounts.csv");
    const csv = await readFile((await download.path())!, "utf8");
    const lines = csv.trimEnd().split("\r\n");
    assert.equal(lines.length, 4);
    assert.ok(lines[0]!.split(",").includes("balance.amount"), lines[0]);
    const columns = lines[0]!.split(",");
    const checking = lines.map((line) => line.split(",")).find((cells) => cells[columns.indexOf("number")] === aliceChecking);
    assert.match(checking?.[columns.indexOf("balance.amount")] ?? "", /^\d+\.\d\d$/, csv);
    assert.equal(checking?.[columns.indexOf("balance.currency")], "USD");
  });

  test("saved operations are kept per user in this browser and open in a new tab", async () => {
    await showPlugin("Collections");
    await panel.fill("#fb-save-name", "Alice's accounts");
    await panel.click("#fb-save");
    await panel.locator(".fb-collection-list button", { hasText: "Alice's accounts" }).waitFor();
    const tabs = await panel.locator(".graphiql-tab-button").count();
    await panel.locator(".fb-collection-list button", { hasText: "Alice's accounts" }).click();
    await until(panel, `document.querySelectorAll(".graphiql-tab-button").length === ${tabs + 1}`, "a new tab");
    await until(panel, `Boolean(document.querySelector(".graphiql-query-editor .CodeMirror")?.CodeMirror.getValue().includes("query MyAccounts"))`, "the saved operation in the new tab");
  });

  test("sign out, sign in as an analyst: the query-plan view shows the plan the router executed", async () => {
    await panel.click("#fb-sign-out");
    await panel.waitForSelector("#fb-sign-in");
    assert.equal(await panel.evaluate(`sessionStorage.getItem("fedbank.playground.session")`), null);
    await signInThroughPanel("analyst@demo.bank");
    // Another user, another collection.
    await showPlugin("Collections");
    assert.equal(await panel.locator(".fb-collection-list li").count(), 0);
    await typeQuery("query AnalystAccounts { me { email accounts { number } } }");
    await runAndWaitFor(/analyst@demo\.bank/, panel);
    await showPlugin("Query plan");
    const plan = await panel.locator(".fb-plan").textContent({ timeout: 10_000 });
    assert.match(plan ?? "", /QueryPlan \{/);
    assert.match(plan ?? "", /Fetch\(service: "users"\)/);
    assert.match(plan ?? "", /Fetch\(service: "accounts"\)/);
    assert.match(await panel.locator(".fb-plan-view p").textContent() ?? "", /users → accounts/);
  });

  test("a refused subscription shows the server's FORBIDDEN; a closed socket shows its code and reason (no stack)", async () => {
    // The analyst's session is on the socket (no headers typed): customer notifications are not theirs.
    await openTab("LiveNotifications", panel);
    const refused = await runAndWaitFor(/errors/, panel);
    assert.match(refused, /"code": "FORBIDDEN"/);
    assert.doesNotMatch(refused, /subscription failed|stack|at \w+ \(|\.js:\d+/);
    // A token the router refuses at connection_init: the socket is closed with 4401 and its reason.
    await panel.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror").click();
    await panel.keyboard.press("Control+A");
    await panel.keyboard.insertText(JSON.stringify({ Authorization: "Bearer not-a-token" }));
    const closed = await runAndWaitFor(/closeCode/, panel);
    assert.match(closed, /"code": "UNAUTHENTICATED"/);
    assert.match(closed, /"closeCode": 4401/);
    assert.match(closed, /The subscription socket was closed \(4401\): \S+/);
    assert.doesNotMatch(closed, /stack|at \w+ \(|\.js:\d+/);
  });

  test("MFA: the panel asks for a code when the server says MFA_REQUIRED, then signs in with it", async () => {
    // A new customer with MFA on (enrolled and confirmed through the API).
    const email = uniqueEmail("playground-mfa");
    const account = await signUp(stack.routerUrl, { email, password: STRONG_PASSWORD, name: "Mia Factor" });
    const { body: enrolled } = await graphql<{ enrollMfa: { secret: string; recoveryCodes: string[] } }>(
      stack.routerUrl, "mutation { enrollMfa { secret recoveryCodes } }", {}, account.accessToken,
    );
    const { secret, recoveryCodes } = enrolled.data!.enrollMfa;
    const { body: confirmed } = await graphql(stack.routerUrl, "mutation($code: String!) { confirmMfa(code: $code) { mfaEnabled } }", { code: totpNow(secret) }, account.accessToken);
    assert.equal(confirmed.errors, undefined, JSON.stringify(confirmed.errors));

    const mfaPage = await openBrowserPage();
    await mfaPage.goto(`${origin}/graphql`);
    await mfaPage.fill("#fb-email", email);
    await mfaPage.fill("#fb-password", STRONG_PASSWORD);
    await mfaPage.click('#fb-sign-in button[type="submit"]');
    // The server's error, as sent, and the code field.
    await mfaPage.locator(".fb-errors", { hasText: "MFA_REQUIRED" }).waitFor();
    await mfaPage.fill("#fb-totp", recoveryCodes[0]!);
    await mfaPage.click('#fb-sign-in button[type="submit"]');
    await mfaPage.locator("#fb-signed-in", { hasText: email }).waitFor({ timeout: 15_000 });
    assert.deepEqual(await mfaPage.evaluate<string[]>("window.cspViolations"), []);
    await mfaPage.context().close();
  });

  test("the panel refreshes the access token before it expires (rotation) and keeps working", async () => {
    const saved = async () => JSON.parse((await panel.evaluate<string | null>(`sessionStorage.getItem("fedbank.playground.session")`)) ?? "null") as { accessToken: string; refreshToken: string; expiresAt: number } | null;
    const first = await saved();
    assert.ok(first, "signed in");
    // One-minute tokens (ACCESS_TOKEN_TTL_SECONDS=60): refreshed halfway, well before expiry. The page's
    // clock jumps 30 s ahead, so the refresh timer fires now; the server's clock is untouched.
    await panel.clock.fastForward(30_000);
    // Polled from here: a page-side predicate with an interval would need eval, which the page's CSP refuses.
    const deadline = Date.now() + 15_000;
    let second = await saved();
    while (second?.refreshToken === first.refreshToken && Date.now() < deadline) {
      await panel.waitForTimeout(500);
      second = await saved();
    }
    assert.ok(second && second.accessToken !== first.accessToken && second.expiresAt > first.expiresAt);
    assert.ok(Date.now() < first.expiresAt, "refreshed before the old token expired");
    // A request after the refresh, with the new token (another query, so the result pane changes).
    await openTab("AnalystAccounts", panel);
    await typeQuery("query AnalystAccounts { me { email role } }");
    assert.match(await runAndWaitFor(/"ANALYST"/, panel), /analyst@demo\.bank/);
  });

  test("the query-plan header is for staff: a customer's request gets no plan, an analyst's does", async () => {
    const ask = async (token: string) => {
      const response = await fetch(stack.routerUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-fedbank-query-plan": "true" },
        body: JSON.stringify({ query: "{ me { email accounts { number } } }" }),
      });
      return (await response.json()) as { data: unknown; extensions?: { queryPlan?: { text: string; subgraphs: string[] } } };
    };
    const customer = await ask(await login(stack.routerUrl, "alice@demo.bank"));
    assert.ok(customer.data);
    assert.equal(customer.extensions?.queryPlan, undefined);
    const analyst = await ask(await login(stack.routerUrl, "analyst@demo.bank"));
    assert.deepEqual(analyst.extensions?.queryPlan?.subgraphs, ["users", "accounts"]);
  });

  test("zero requests to any other host, and no Content Security Policy violation", async () => {
    assert.deepEqual(otherHosts, []);
    assert.ok(requests.some((url) => url.includes("/playground/assets/")), "the assets came from the router");
    for (const opened of [page, panel]) {
      const violations = await opened.evaluate<string[]>("window.cspViolations");
      assert.deepEqual(violations, []);
    }
  });
});

/** A browser-side expression: the text of the CodeMirror editor inside `container`. */
function editorValue(container: string): string {
  return `document.querySelector(${JSON.stringify(`${container} .CodeMirror`)})?.CodeMirror.getValue() ?? ""`;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return `http://127.0.0.1:${address.port}`;
}
