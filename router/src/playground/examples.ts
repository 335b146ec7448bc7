// The example operations the playground opens with, one tab each. Plain data, imported by the browser
// bundle (esbuild) and by the tests, which validate every one against the composed supergraph.

export interface ExampleTab {
  /** Short name shown in the docs; the tab itself is titled by the operation name. */
  title: string;
  query: string;
  variables?: string;
  /** Operations that need a schema feature not served yet (validated only once the field exists). */
  future?: string;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export const EXAMPLE_TABS: ExampleTab[] = [
  {
    title: "Log in",
    query: `# Run this, then put the accessToken in Headers (below):
#   { "Authorization": "Bearer <accessToken>" }
# Demo users (npm start): alice@, bob@, teller@, admin@,
# auditor@, analyst@demo.bank
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken
    expiresIn
    user { id email role }
  }
}
`,
    variables: json({ email: "alice@demo.bank", password: "demo-password-123" }),
  },
  {
    title: "My accounts",
    query: `# Needs the Authorization header (see the Login tab).
query MyAccounts {
  me {
    id
    name
    accounts {
      id
      number
      type
      status
      balance { amount currency }
    }
  }
}
`,
  },
  {
    title: "Transfer",
    query: `# Moves money. Re-running with the same idempotencyKey
# replays the first result (replayed: true) instead of
# moving the money twice: use a new key for a new transfer.
mutation Transfer($input: TransferInput!) {
  transfer(input: $input) {
    replayed
    transaction {
      id
      kind
      amount { amount currency }
      createdAt
    }
  }
}
`,
    variables: json({
      input: {
        fromAccountId: "<one of your account ids, from MyAccounts>",
        toAccountNumber: "FB97FDBK50237507013082",
        amount: "10.00",
        reference: "playground test",
        idempotencyKey: "playground-0001",
      },
    }),
  },
  {
    title: "Live notifications",
    query: `# A subscription over graphql-ws (same /graphql URL), with
# the Authorization header from the headers editor: your
# notifications appear in the result pane as they happen,
# with fields the router resolves from other subgraphs.
subscription LiveNotifications {
  notificationReceived {
    id
    kind
    title
    body
    createdAt
    transaction {
      id
      amount { amount currency }
      postings { amount { amount } account { number } }
    }
  }
}
`,
  },
  {
    title: "Dashboard metrics",
    query: `# Live figures for operations dashboards: log in as
# analyst@demo.bank (or admin@), then run this; a new
# result arrives every intervalSeconds (1 to 300) over
# graphql-ws on the same /graphql URL.
subscription DashboardMetrics($intervalSeconds: Int) {
  dashboardMetrics(intervalSeconds: $intervalSeconds) {
    at
    transferCount
    failedTransfers
    volumes { currency transferCount volume { amount currency } }
    activeSessions
  }
}
`,
    variables: json({ intervalSeconds: 5 }),
  },
];
