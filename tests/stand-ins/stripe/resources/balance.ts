// GET /v1/balance: what Settings → Connections' "Test" calls to prove a key works. A fixed, empty
// balance shaped like Stripe's; a wrong key is refused with 401 before any route runs.
import type { Route } from '../router';

export const balanceRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/balance',
    params: 'BalanceRetrieveParams',
    handler: () => ({
      object: 'balance',
      available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
      pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }],
      livemode: false,
    }),
  },
];
