// `expand[]`: replaces an id with the object it names, along dotted paths ("data.product" on a
// list, "latest_invoice.payment_intent"), at most four levels deep as Stripe allows.
import { invalid } from './errors';
import type { StripeStore } from './store';

export function expand(store: StripeStore, value: unknown, paths: string[] | undefined): unknown {
  if (!paths?.length) return value;
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    expandPath(store, value, parts, path);
  }
  return value;
}

function expandPath(store: StripeStore, target: unknown, parts: string[], full: string) {
  if (!target || typeof target !== 'object') return;
  const [head, ...rest] = parts as [string, ...string[]];
  const record = target as Record<string, unknown>;
  if (Array.isArray(record[head]) && head === 'data') {
    for (const item of record[head] as unknown[]) expandPath(store, item, rest, full);
    return;
  }
  if (!(head in record)) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
  let current = record[head];
  if (typeof current === 'string') {
    const found = store.find(current);
    if (!found) throw invalid(`This property cannot be expanded (${full}).`, 'expand');
    record[head] = current = found;
  } else if (rest.length === 0 && (current === null || typeof current === 'object')) {
    return; // already an object, or null: Stripe leaves it as it is
  }
  if (rest.length) expandPath(store, current, rest, full);
}
