/** JSON text of any value, bigints included (audit events carry a bigint `seq`): for "never contains" checks. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
