// Routes of the stand-in: method + path pattern → the SDK params type its request must match →
// handler. One file per resource family under resources/ contributes its routes here.
import type { Params } from './validate';
import type { EventRequest, StripeObject, StripeStore } from './store';
import { productRoutes } from './resources/products';
import { priceRoutes } from './resources/prices';
import { meterRoutes } from './resources/meters';
import { meterEventRoutes } from './resources/meter-events';
import { portalRoutes } from './resources/billing-portal';
import { customerRoutes } from './resources/customers';
import { checkoutRoutes } from './resources/checkout';
import { subscriptionRoutes } from './resources/subscriptions';
import { invoiceRoutes } from './resources/invoices';
import { eventRoutes } from './resources/events';
import { testClockRoutes } from './resources/test-clocks';
import { paymentRoutes } from './resources/payments';
import { subscriptionScheduleRoutes } from './resources/subscription-schedules';
import { balanceRoutes } from './resources/balance';

export interface HandlerContext {
  store: StripeStore;
  params: Params;
  path: Record<string, string>;
  /** The request's URL path, for list objects' `url`. */
  url: string;
  request: EventRequest;
  emit(type: string, object: StripeObject, previousAttributes?: Record<string, unknown>): void;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  /** Qualified name of the SDK params interface (spec/params.json), e.g. 'Checkout.SessionCreateParams'. */
  params: string;
  handler(ctx: HandlerContext): unknown;
}

export const routes: Route[] = [
  ...productRoutes,
  ...priceRoutes,
  ...meterRoutes,
  ...meterEventRoutes,
  ...portalRoutes,
  ...customerRoutes,
  ...checkoutRoutes,
  ...subscriptionRoutes,
  ...invoiceRoutes,
  ...eventRoutes,
  ...testClockRoutes,
  ...paymentRoutes,
  ...subscriptionScheduleRoutes,
  ...balanceRoutes,
];

const compiled = routes.map((route) => {
  const names: string[] = [];
  const source = route.pattern.replace(/:([a-z_]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, names, regex: new RegExp(`^${source}$`) };
});

export function matchRoute(method: string, pathname: string): { route: Route; path: Record<string, string> } | undefined {
  for (const { route, names, regex } of compiled) {
    if (route.method !== method) continue;
    const m = regex.exec(pathname);
    if (!m) continue;
    return { route, path: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
  }
  return undefined;
}
