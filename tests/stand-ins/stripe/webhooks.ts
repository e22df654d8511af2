// Webhook delivery: each event is POSTed as JSON to the configured endpoint, signed with the
// SDK's own helper (the `Stripe-Signature` scheme Stripe uses). Delivery is at least once and
// unordered in production; here it is in order, and tests wait for it with `settled()`.
import Stripe from 'stripe';
import type { StripeObject, StripeStore } from './store';

export interface Delivery {
  eventId: string;
  type: string;
  status: number | 'error';
}

export class WebhookDelivery {
  readonly deliveries: Delivery[] = [];
  private pending = new Set<Promise<void>>();
  private held: StripeObject[] | null = null;
  private readonly signer = new Stripe('sk_test_signer_only');

  constructor(
    store: StripeStore,
    private endpoint?: { url: string; secret: string },
  ) {
    store.onEvent((event) => this.deliver(event));
  }

  configure(endpoint: { url: string; secret: string } | undefined) {
    this.endpoint = endpoint;
  }

  /** Keeps events instead of delivering them, until release() (to race deliveries against something). */
  hold() {
    this.held ??= [];
  }

  /** Delivers every held event at once, concurrently, and goes back to delivering as they come. */
  release() {
    const held = this.held ?? [];
    this.held = null;
    for (const event of held) this.deliver(event);
  }

  private deliver(event: StripeObject) {
    const endpoint = this.endpoint;
    if (!endpoint) return;
    if (this.held) return void this.held.push(event);
    const payload = JSON.stringify(event);
    const signature = this.signer.webhooks.generateTestHeaderString({ payload, secret: endpoint.secret });
    const p = fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload })
      .then((r) => void this.deliveries.push({ eventId: event.id, type: String(event.type), status: r.status }))
      .catch(() => void this.deliveries.push({ eventId: event.id, type: String(event.type), status: 'error' }))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once every delivery started so far has been answered. */
  async settled() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
