// The ledger's operations through the router, as GraphQL documents (used by test/ledger-*.test.ts, the suites
// that make customers of their own (customers.ts) and bench/ledger.ts). A file of its own: importing it loads
// nothing of the services' code, unlike builders.ts.

export const LEDGER_OPS = {
  open: /* GraphQL */ `mutation Open($input: OpenAccountInput!) {
    openAccount(input: $input) { id number currency status overdraftLimit { amount currency } owner { id } }
  }`,
  freeze: /* GraphQL */ `mutation Freeze($id: ID!, $reason: String!) { freezeAccount(id: $id, reason: $reason) { id status } }`,
  unfreeze: /* GraphQL */ `mutation Unfreeze($id: ID!, $reason: String!) { unfreezeAccount(id: $id, reason: $reason) { id status } }`,
  close: /* GraphQL */ `mutation Close($id: ID!, $reason: String!) { closeAccount(id: $id, reason: $reason) { id status } }`,
  deposit: /* GraphQL */ `mutation Deposit($input: DepositInput!) {
    deposit(input: $input) { replayed transaction { id kind amount { amount currency } } }
  }`,
  withdraw: /* GraphQL */ `mutation Withdraw($input: WithdrawInput!) {
    withdraw(input: $input) { replayed transaction { id kind amount { amount currency } } }
  }`,
  transfer: /* GraphQL */ `mutation Transfer($input: TransferInput!) {
    transfer(input: $input) { replayed transaction { id kind amount { amount currency } reference } }
  }`,
  reverse: /* GraphQL */ `mutation Reverse($id: ID!, $reason: String!, $key: String!) {
    reverseTransaction(id: $id, reason: $reason, idempotencyKey: $key) {
      replayed transaction { id kind amount { amount } reverses { id } postings { amount { amount } } }
    }
  }`,
  authorize: /* GraphQL */ `mutation Authorize($input: TransferInput!) {
    authorizeTransfer(input: $input) { replayed hold { id status amount { amount } expiresAt } }
  }`,
  capture: /* GraphQL */ `mutation Capture($input: CaptureInput!) {
    captureTransfer(input: $input) { replayed transaction { id kind amount { amount } } }
  }`,
  void: /* GraphQL */ `mutation Void($holdId: ID!, $key: String!) {
    voidTransfer(holdId: $holdId, idempotencyKey: $key) { replayed hold { id status } }
  }`,
  balances: /* GraphQL */ `query Balances($id: ID!) {
    account(id: $id) { id status balance { amount currency } availableBalance { amount } }
  }`,
} as const;
