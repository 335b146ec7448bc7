// Scenario (1) of `npm run bench`: what a banking app's home screen asks for in one request: the caller, their
// accounts with balances, and each account's last 20 transactions with their postings and the counterparty
// accounts. Not the counterparties' owner names: a customer may read only their own user (the users
// subgraph answers FORBIDDEN at every `owner` of another customer's or the bank's account), so the
// dashboard shows the counterparty account number instead.
export const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard {
    me {
      id
      name
      accounts {
        id
        number
        type
        currency
        status
        balance { amount currency }
        availableBalance { amount currency }
        transactions(first: 20) {
          edges {
            node {
              id
              kind
              reference
              createdAt
              amount { amount currency }
              postings { bankSide amount { amount currency } account { id number } }
            }
          }
        }
      }
    }
  }
`;
