// The analysts' playground in a real browser: Debian's headless Chromium (driven by playwright-core) opens
// GET /graphql on the real platform with every request to another host blocked and recorded, logs in
// through GraphiQL, puts the token in the headers editor, runs a query and reads the result pane.
// Also: the page's headers, the example operations against the supergraph, and the PLAYGROUND switch.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { parse, validate } from "graphql";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { EXAMPLE_TABS } from "../router/src/playground/examples.js";
import { contentSecurityPolicy, createPlayground, playgroundEnabled } from "../router/src/playground/index.js";
import { routerConfigSchema } from "../router/src/config.js";
import { createTestDatabase, graphql, login, metricValue, ROOT, startStack, type Stack, type TestDatabase } from "./support/stack.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumMissing = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) to run the browser tests`;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

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
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  const otherHosts: string[] = [];
  const requests: string[] = [];

  before(async () => {
    const { chromium } = await import("playwright-core");
    database = await createTestDatabase();
    stack = await startStack({ DATABASE_URL: database.url });
    origin = new URL(stack.routerUrl).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    context = await browser.newContext();
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
    page = await context.newPage();
    // WebSockets bypass request routing: record them too.
    page.on("websocket", (socket) => {
      const url = new URL(socket.url());
      requests.push(url.href);
      if (!LOCAL_HOSTS.has(url.hostname)) otherHosts.push(url.href);
    });
  });

  after(async () => {
    await browser?.close();
    const code = await stack?.stop();
    await database?.drop();
    assert.equal(code, 0, "the platform stops cleanly on SIGTERM");
  });

  /** Contents of the result pane (GraphiQL's response editor). */
  async function resultText(): Promise<string> {
    return page.evaluate(editorValue("section.result-window"));
  }

  async function runAndWaitFor(pattern: RegExp): Promise<string> {
    const before = await resultText();
    await page.click(".graphiql-execute-button");
    let text = before;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      text = await resultText();
      if (text !== before && pattern.test(text)) return text;
      await page.waitForTimeout(100);
    }
    assert.fail(`the result pane never showed ${pattern}; it shows: ${text.slice(0, 500)}`);
  }

  async function openTab(name: string) {
    await page.locator(".graphiql-tab-button", { hasText: name }).click();
    await page.waitForFunction(`document.querySelector(".graphiql-tab-active")?.textContent.includes(${JSON.stringify(name)})`);
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

    const result = JSON.parse(await runAndWaitFor(/FB65FDBK12817536338047/)) as {
      data: { me: { name: string; accounts: { number: string; balance: { amount: string; currency: string } }[] } };
    };
    assert.equal(result.data.me.name, "Alice Martin");
    const checking = result.data.me.accounts.find((account) => account.number === "FB65FDBK12817536338047");
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
      { input: { fromAccountId: from.id, toAccountNumber: "FB65FDBK12817536338047", amount: "4.56", idempotencyKey: `playground-live-${Date.now()}` } },
      bob,
    );
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const result = JSON.parse(await shown) as { data: { notificationReceived: { kind: string; transaction: { amount: { amount: string } } } } };
    assert.equal(result.data.notificationReceived.kind, "MONEY_RECEIVED");
    assert.equal(result.data.notificationReceived.transaction.amount.amount, "4.56");
  });

  test("zero requests to any other host, and no Content Security Policy violation", async () => {
    assert.deepEqual(otherHosts, []);
    assert.ok(requests.some((url) => url.includes("/playground/assets/")), "the assets came from the router");
    const violations = await page.evaluate<string[]>("window.cspViolations");
    assert.deepEqual(violations, []);
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
