// Shared rules of Stripe's update semantics: `metadata[key]=''` deletes a key, `metadata=''`
// clears all; an emptyable field sent as '' becomes null.
import { UNSET, type Params } from '../validate';
import type { StripeObject, StripeStore } from '../store';

export function mergeMetadata(current: Record<string, string>, update: unknown): Record<string, string> {
  if (update === undefined) return current;
  if (update === UNSET) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(update as Record<string, unknown>)) {
    if (v === '' || v === null || v === UNSET) delete next[k];
    else next[k] = String(v);
  }
  return next;
}

/** Applies the listed fields of `params` to `object`; returns Stripe's `previous_attributes`. */
export function applyUpdate(object: StripeObject, params: Params, fields: string[]): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const field of fields) {
    if (!(field in params)) continue;
    const raw = params[field];
    const value = field === 'metadata' ? mergeMetadata(object.metadata as Record<string, string>, raw) : raw === UNSET ? null : raw;
    if (JSON.stringify(object[field]) !== JSON.stringify(value)) {
      previous[field] = object[field];
      object[field] = value;
    }
  }
  return previous;
}

export function metadataOf(param: unknown): Record<string, string> {
  if (!param || param === UNSET) return {};
  return Object.fromEntries(Object.entries(param as Record<string, unknown>).filter(([, v]) => v !== '' && v !== UNSET).map(([k, v]) => [k, String(v)]));
}

/** Objects on a test clock live at its frozen time. */
export function nowFor(store: StripeStore, testClockId: unknown): number {
  if (typeof testClockId === 'string') {
    const clock = store.find(testClockId);
    if (clock) return clock.frozen_time as number;
  }
  return store.now();
}

export function matchesCreated(created: number, filter: unknown): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'number') return created === filter;
  const f = filter as { gt?: number; gte?: number; lt?: number; lte?: number };
  return (f.gt === undefined || created > f.gt) && (f.gte === undefined || created >= f.gte) && (f.lt === undefined || created < f.lt) && (f.lte === undefined || created <= f.lte);
}
