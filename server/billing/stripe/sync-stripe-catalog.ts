// Makes Stripe's products, prices, billing meters and portal configuration agree with the plan
// catalog, idempotently: everything is found by our own keys (product metadata, price lookup
// keys, meter event names, portal metadata), compared, and written only where it differs, so a
// second run sends no write at all. Prices are immutable at Stripe: a changed amount creates a
// new price that takes the lookup key over (transfer_lookup_key), and the old one is archived.
import type Stripe from 'stripe';
import { stripeSdk } from './stripe-sdk';
import type { CatalogChange, CatalogSyncReport, VersionedPlanPrices } from '../billing-provider';
import {
  microsToMinorDecimal,
  OVERAGES,
  planPriceLookupKey,
  PLANS,
  PORTAL_CONFIGURATION_KEY,
  SEAT_PRICES,
  seatPriceLookupKey,
  SEAT_PRODUCT,
  type CatalogPrice,
} from '../plan-catalog';

const KEY = 'meterdesk_key';

interface DesiredProduct {
  key: string;
  name: string;
  description: string;
  unitLabel?: string;
}

interface DesiredPrice {
  lookupKey: string;
  productKey: string;
  currency: string;
  unitAmount?: number;
  unitAmountDecimal?: string;
  interval: 'month' | 'year';
  usageType: 'licensed' | 'metered';
  meterEventName?: string;
  nickname: string;
}

/**
 * The catalog, plus the plan and seat prices of published plan-lab versions (version 2 on): each
 * under its version's lookup key (`meterdesk_starter_monthly_v2` on the plan's product,
 * `meterdesk_seat_starter_monthly_v2` on the seat product). Version 1 is the catalog itself.
 */
export function desiredCatalog(planVersions: VersionedPlanPrices[] = []) {
  const products: DesiredProduct[] = [
    ...PLANS.map((p) => ({ key: `plan_${p.key}`, name: `Meterdesk ${p.name}`, description: p.description })),
    { key: SEAT_PRODUCT.key, name: SEAT_PRODUCT.name, description: SEAT_PRODUCT.description, unitLabel: 'seat' },
    ...OVERAGES.map((o) => ({ key: `overage_${o.metric}`, name: o.displayName, description: `Usage past the plan's included ${o.metric}, billed per unit.` })),
  ];
  const licensed = (productKey: string, price: CatalogPrice, nickname: string): DesiredPrice => ({
    lookupKey: price.lookupKey, productKey, currency: price.currency, unitAmount: price.amountMinor, interval: price.interval, usageType: 'licensed', nickname,
  });
  const prices: DesiredPrice[] = [
    ...PLANS.flatMap((p) => Object.values(p.prices).map((price) => licensed(`plan_${p.key}`, price, `${p.name} ${price.interval === 'month' ? 'monthly' : 'yearly'}`))),
    ...planVersions
      .filter((v) => v.version > 1 && PLANS.some((p) => p.key === v.planKey))
      .flatMap((v) =>
        (Object.entries(v.prices) as Array<['month' | 'year', number]>).map(([interval, amountMinor]) =>
          licensed(
            `plan_${v.planKey}`,
            { amountMinor, currency: 'usd', interval, lookupKey: planPriceLookupKey(v.planKey, interval, v.version) },
            `${v.name} ${interval === 'month' ? 'monthly' : 'yearly'} (v${v.version})`,
          ),
        ),
      ),
    ...Object.values(SEAT_PRICES).map((price) => licensed(SEAT_PRODUCT.key, price, `Seat ${price.interval === 'month' ? 'monthly' : 'yearly'}`)),
    // A version's seat prices, for each interval it is sold with, on the one seat product.
    ...planVersions
      .filter((v) => v.version > 1 && v.seatPrices && PLANS.some((p) => p.key === v.planKey))
      .flatMap((v) =>
        (Object.keys(v.prices) as Array<'month' | 'year'>).map((interval) =>
          licensed(
            SEAT_PRODUCT.key,
            { amountMinor: v.seatPrices![interval], currency: 'usd', interval, lookupKey: seatPriceLookupKey(v.planKey, interval, v.version) },
            `Seat ${interval === 'month' ? 'monthly' : 'yearly'} (${v.name} v${v.version})`,
          ),
        ),
      ),
    ...OVERAGES.map((o) => ({
      lookupKey: o.lookupKey, productKey: `overage_${o.metric}`, currency: o.currency, unitAmountDecimal: microsToMinorDecimal(o.unitPriceMicros),
      interval: 'month' as const, usageType: 'metered' as const, meterEventName: o.meterEventName, nickname: `${o.displayName} overage`,
    })),
  ];
  const meters = OVERAGES.map((o) => ({ eventName: o.meterEventName, displayName: o.displayName }));
  return { products, prices, meters };
}

export async function syncStripeCatalog(stripe: Stripe, options: { dryRun?: boolean; planVersions?: VersionedPlanPrices[] } = {}): Promise<CatalogSyncReport> {
  const dryRun = options.dryRun ?? false;
  const desired = desiredCatalog(options.planVersions);
  const changes: CatalogChange[] = [];
  const note = (change: CatalogChange) => changes.push(change);
  const planned = (kind: string, key: string) => `(new ${kind} ${key})`;

  // Products, by our key in metadata (active and archived alike).
  const productIds: Record<string, string> = {};
  const existingProducts = new Map<string, Stripe.Product>();
  for await (const product of stripe.products.list({ limit: 100 })) {
    const key = product.metadata[KEY];
    if (key && !existingProducts.has(key)) existingProducts.set(key, product);
  }
  for (const want of desired.products) {
    const have = existingProducts.get(want.key);
    if (!have) {
      const id = dryRun
        ? planned('product', want.key)
        : (await stripe.products.create({ name: want.name, description: want.description, ...(want.unitLabel ? { unit_label: want.unitLabel } : {}), metadata: { [KEY]: want.key } })).id;
      productIds[want.key] = id;
      note({ action: 'created', kind: 'product', key: want.key, providerId: id });
      continue;
    }
    productIds[want.key] = have.id;
    const update: Stripe.ProductUpdateParams = {};
    if (have.name !== want.name) update.name = want.name;
    if (have.description !== want.description) update.description = want.description;
    if ((have.unit_label ?? undefined) !== want.unitLabel) update.unit_label = want.unitLabel ?? '';
    if (!have.active) update.active = true;
    if (Object.keys(update).length > 0) {
      if (!dryRun) await stripe.products.update(have.id, update);
      note({ action: have.active ? 'updated' : 'reactivated', kind: 'product', key: want.key, providerId: have.id, detail: Object.keys(update).join(', ') });
    }
  }

  // Billing meters, by event name; their aggregation and mappings cannot change once created.
  const meterIds: Record<string, string> = {};
  const existingMeters = new Map<string, Stripe.Billing.Meter>();
  for await (const meter of stripe.billing.meters.list({ limit: 100 })) existingMeters.set(meter.event_name, meter);
  for (const want of desired.meters) {
    const have = existingMeters.get(want.eventName);
    if (!have) {
      const id = dryRun
        ? planned('meter', want.eventName)
        : (
            await stripe.billing.meters.create({
              display_name: want.displayName,
              event_name: want.eventName,
              default_aggregation: { formula: 'sum' },
              customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
              value_settings: { event_payload_key: 'value' },
            })
          ).id;
      meterIds[want.eventName] = id;
      note({ action: 'created', kind: 'meter', key: want.eventName, providerId: id });
      continue;
    }
    meterIds[want.eventName] = have.id;
    if (
      have.default_aggregation.formula !== 'sum' ||
      have.customer_mapping.event_payload_key !== 'stripe_customer_id' ||
      have.value_settings.event_payload_key !== 'value'
    ) {
      note({ action: 'conflict', kind: 'meter', key: want.eventName, providerId: have.id, detail: 'aggregation or payload keys differ and cannot be changed: give the meter a new event name' });
    }
    if (have.status !== 'active') {
      if (!dryRun) await stripe.billing.meters.reactivate(have.id);
      note({ action: 'reactivated', kind: 'meter', key: want.eventName, providerId: have.id });
    }
    if (have.display_name !== want.displayName) {
      if (!dryRun) await stripe.billing.meters.update(have.id, { display_name: want.displayName });
      note({ action: 'updated', kind: 'meter', key: want.eventName, providerId: have.id, detail: 'display_name' });
    }
  }

  // Prices, by lookup key (Stripe takes at most 10 keys per list request).
  const priceIds: Record<string, string> = {};
  const existingPrices = new Map<string, Stripe.Price>();
  const keys = desired.prices.map((p) => p.lookupKey);
  for (let i = 0; i < keys.length; i += 10) {
    for await (const price of stripe.prices.list({ lookup_keys: keys.slice(i, i + 10), limit: 100 })) {
      if (price.lookup_key) existingPrices.set(price.lookup_key, price);
    }
  }
  for (const want of desired.prices) {
    const have = existingPrices.get(want.lookupKey);
    const productId = productIds[want.productKey]!;
    const meterId = want.meterEventName ? meterIds[want.meterEventName] : undefined;
    if (have && samePrice(have, want, productId, meterId)) {
      priceIds[want.lookupKey] = have.id;
      const update: Stripe.PriceUpdateParams = {};
      if (!have.active) update.active = true;
      if (have.nickname !== want.nickname) update.nickname = want.nickname;
      if (have.metadata[KEY] !== want.lookupKey) update.metadata = { [KEY]: want.lookupKey };
      if (Object.keys(update).length > 0) {
        if (!dryRun) await stripe.prices.update(have.id, update);
        note({ action: have.active ? 'updated' : 'reactivated', kind: 'price', key: want.lookupKey, providerId: have.id, detail: Object.keys(update).join(', ') });
      }
      continue;
    }
    const id = dryRun
      ? planned('price', want.lookupKey)
      : (
          await stripe.prices.create({
            product: productId,
            currency: want.currency,
            ...(want.unitAmount !== undefined ? { unit_amount: want.unitAmount } : {}),
            ...(want.unitAmountDecimal !== undefined ? { unit_amount_decimal: stripeSdk().Decimal.from(want.unitAmountDecimal) } : {}),
            recurring: { interval: want.interval, usage_type: want.usageType, ...(meterId ? { meter: meterId } : {}) },
            lookup_key: want.lookupKey,
            // Moves the key from the price it replaces, in the same request.
            ...(have ? { transfer_lookup_key: true } : {}),
            nickname: want.nickname,
            tax_behavior: 'exclusive',
            metadata: { [KEY]: want.lookupKey },
          })
        ).id;
    priceIds[want.lookupKey] = id;
    note({ action: 'created', kind: 'price', key: want.lookupKey, providerId: id, ...(have ? { detail: `replaces ${have.id}` } : {}) });
    if (have?.active) {
      if (!dryRun) await stripe.prices.update(have.id, { active: false });
      note({ action: 'archived', kind: 'price', key: want.lookupKey, providerId: have.id });
    }
  }

  // The customer portal: payment methods, invoices, cancel at period end, plan switches between
  // the self-serve plans' prices (seats are the app's to count, not the customer's).
  const portal = desiredPortal(productIds, priceIds);
  let portalId = planned('portal configuration', PORTAL_CONFIGURATION_KEY);
  let existingPortal: Stripe.BillingPortal.Configuration | undefined;
  for await (const config of stripe.billingPortal.configurations.list({ limit: 100 })) {
    if (config.metadata?.[KEY] === PORTAL_CONFIGURATION_KEY) {
      existingPortal = config;
      break;
    }
  }
  if (!existingPortal) {
    if (!dryRun) portalId = (await stripe.billingPortal.configurations.create({ ...portal, metadata: { [KEY]: PORTAL_CONFIGURATION_KEY } })).id;
    note({ action: 'created', kind: 'portal_configuration', key: PORTAL_CONFIGURATION_KEY, providerId: portalId });
  } else {
    portalId = existingPortal.id;
    const differs = !isSubset(normalize(portal), normalize({ business_profile: existingPortal.business_profile, features: existingPortal.features }));
    if (differs || !existingPortal.active) {
      if (!dryRun) await stripe.billingPortal.configurations.update(existingPortal.id, { ...portal, active: true });
      note({ action: 'updated', kind: 'portal_configuration', key: PORTAL_CONFIGURATION_KEY, providerId: existingPortal.id });
    }
  }

  return { changes, priceIds, meterIds, portalConfigurationId: portalId };
}

function samePrice(have: Stripe.Price, want: DesiredPrice, productId: string, meterId: string | undefined): boolean {
  const product = typeof have.product === 'string' ? have.product : have.product.id;
  const amountMatches =
    want.unitAmount !== undefined
      ? have.unit_amount === want.unitAmount
      : have.unit_amount === null && have.unit_amount_decimal !== null && Number(String(have.unit_amount_decimal)) === Number(want.unitAmountDecimal);
  return (
    product === productId &&
    have.currency === want.currency &&
    amountMatches &&
    have.recurring?.interval === want.interval &&
    have.recurring.interval_count === 1 &&
    have.recurring.usage_type === want.usageType &&
    (have.recurring.meter ?? undefined) === meterId
  );
}

function desiredPortal(productIds: Record<string, string>, priceIds: Record<string, string>) {
  const products = PLANS.filter((p) => p.selfServe && Object.keys(p.prices).length > 0).map((p) => ({
    product: productIds[`plan_${p.key}`]!,
    prices: Object.values(p.prices).map((price) => priceIds[price.lookupKey]!),
  }));
  return {
    business_profile: { headline: 'Meterdesk: manage your plan, payment method and invoices.' },
    features: {
      customer_update: { enabled: true, allowed_updates: ['address', 'email', 'name', 'tax_id'] as Stripe.BillingPortal.ConfigurationCreateParams.Features.CustomerUpdate.AllowedUpdate[] },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: {
        enabled: true,
        mode: 'at_period_end' as const,
        proration_behavior: 'none' as const,
        cancellation_reason: {
          enabled: true,
          options: ['too_expensive', 'missing_features', 'switched_service', 'unused', 'other'] as Stripe.BillingPortal.ConfigurationCreateParams.Features.SubscriptionCancel.CancellationReason.Option[],
        },
      },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ['price'] as Stripe.BillingPortal.ConfigurationCreateParams.Features.SubscriptionUpdate.DefaultAllowedUpdate[],
        proration_behavior: 'create_prorations' as const,
        products,
      },
    },
  };
}

/** Arrays compared as sets: Stripe need not return them in the order they were sent. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

/** Whether every field we set has that value at Stripe (fields we do not set are Stripe's). */
function isSubset(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => isSubset(w, have[i]));
  if (want && typeof want === 'object') {
    return !!have && typeof have === 'object' && Object.entries(want).every(([k, v]) => isSubset(v, (have as Record<string, unknown>)[k]));
  }
  return want === have;
}
