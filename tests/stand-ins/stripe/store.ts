// The stand-in's state: every object by id, in creation order, plus the event log, the
// idempotency cache and meter event identifiers. Objects leave the store as deep copies so a
// handler's response can never be mutated behind the store's back.
import { randomBytes } from 'node:crypto';
import { missing } from './errors';

export type StripeObject = { id: string; object: string; created: number; [key: string]: unknown };

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomId(prefix: string, length = 24) {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return `${prefix}_${out}`;
}

const createdOf = (o: StripeObject) => (o.created ?? (o as { date?: number }).date ?? 0) as number;

export interface EventRequest {
  id: string | null;
  idempotency_key: string | null;
}

/**
 * Stand-in settings for what Stripe's Dashboard configures (Billing → Revenue recovery): the
 * retry schedule after a failed renewal (days after the previous attempt) and what happens to the
 * subscription and the invoice once every retry failed.
 */
export interface DunningSettings {
  retryDays: number[];
  subscriptionStatusAfterRetries: 'unpaid' | 'canceled' | 'past_due';
  invoiceStatusAfterRetries: 'open' | 'uncollectible';
}

export class StripeStore {
  dunning: DunningSettings = { retryDays: [3, 5, 7], subscriptionStatusAfterRetries: 'unpaid', invoiceStatusAfterRetries: 'open' };
  /** Subscriptions whose trial_will_end event was sent (once per trial end). */
  readonly trialWillEndSent = new Set<string>();
  private seq = 0;
  private readonly objects = new Map<string, { value: StripeObject; seq: number }>();
  private readonly eventListeners: Array<(event: StripeObject) => void> = [];
  readonly idempotency = new Map<string, { fingerprint: string; status: number; body: string }>();
  readonly meterEvents: StripeObject[] = [];
  readonly meterEventIdentifiers = new Map<string, number>();
  /** Where hosted pages (Checkout, portal, invoices) of this stand-in are said to live. */
  publicUrl = 'http://127.0.0.1';

  constructor(
    readonly apiVersion: string,
    /** Seconds since the epoch; tests may move it. */
    public now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  insert<T extends StripeObject>(value: T): T {
    this.objects.set(value.id, { value: structuredClone(value), seq: ++this.seq });
    return structuredClone(value);
  }

  /** Replaces a stored object (same id) and returns a copy. */
  save<T extends StripeObject>(value: T): T {
    const entry = this.objects.get(value.id);
    if (!entry) throw new Error(`stand-in: save of unknown ${value.id}`);
    entry.value = structuredClone(value);
    return structuredClone(value);
  }

  remove(id: string) {
    this.objects.delete(id);
  }

  find(id: string): StripeObject | undefined {
    const entry = this.objects.get(id);
    return entry && structuredClone(entry.value);
  }

  /** The object of this `object` type, or Stripe's 404 naming the type in words ("product", "price"). */
  get<T extends StripeObject = StripeObject>(object: string, id: string, label = object.split('.').pop()!.replace(/_/g, ' '), param = 'id'): T {
    const found = this.find(id);
    if (!found || found.object !== object) throw missing(label, id, param);
    return found as T;
  }

  /** Every object of one type, newest first (Stripe's list order). */
  all<T extends StripeObject = StripeObject>(object: string): T[] {
    return [...this.objects.values()]
      .filter((e) => e.value.object === object)
      // Invoice items carry `date` instead of `created`.
      .sort((a, b) => createdOf(b.value) - createdOf(a.value) || b.seq - a.seq)
      .map((e) => structuredClone(e.value) as T);
  }

  /** Records an event for a state change, as Stripe does, and hands it to webhook delivery. */
  emit(type: string, object: StripeObject, request: EventRequest, previousAttributes?: Record<string, unknown>): StripeObject {
    const event: StripeObject = {
      id: randomId('evt'),
      object: 'event',
      api_version: this.apiVersion,
      created: this.now(),
      data: { object: structuredClone(object), ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
      livemode: false,
      pending_webhooks: this.eventListeners.length,
      request,
      type,
    };
    this.insert(event);
    for (const listener of this.eventListeners) listener(structuredClone(event));
    return event;
  }

  onEvent(listener: (event: StripeObject) => void) {
    this.eventListeners.push(listener);
  }
}
