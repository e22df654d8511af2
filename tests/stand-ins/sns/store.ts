// The SNS stand-in's state: the account's SMS attributes, sandbox, origination numbers, the opt-out
// list, opt-in dates (once per 30 days) and every published message. Tests read and set it directly.
import { randomUUID } from 'node:crypto';

export interface OriginationNumber {
  phoneNumber: string;
  /** ACTIVE, PENDING, … as ListOriginationNumbers reports it. */
  status: string;
  iso2CountryCode: string;
  routeType: 'Transactional' | 'Promotional' | 'Premium';
  capabilities: Array<'SMS' | 'MMS' | 'VOICE'>;
  createdAt: Date;
  /** Message parts per second (not reported by SNS; the stand-in may enforce it, see enforceThroughput). */
  partsPerSecond: number;
}

export interface PublishedMessage {
  messageId: string;
  phoneNumber: string;
  message: string;
  attributes: Record<string, { dataType: string; value: string }>;
  at: Date;
}

export interface SandboxNumber {
  phoneNumber: string;
  status: 'Pending' | 'Verified';
  otp: string;
}

export const OPT_IN_INTERVAL_MS = 30 * 24 * 3600 * 1000;

export class SnsStore {
  attributes = new Map<string, string>([
    ['MonthlySpendLimit', '1'],
    ['DefaultSMSType', 'Promotional'],
  ]);
  inSandbox = true;
  sandboxNumbers = new Map<string, SandboxNumber>();
  originationNumbers: OriginationNumber[] = [];
  /** Insertion order is the listing order (stable across pages). */
  optedOut = new Set<string>();
  optIns = new Map<string, Date>();
  published: PublishedMessage[] = [];
  /** When set, Publish from an origination number beyond its parts per second answers Throttled. */
  enforceThroughput = false;
  private sentPerSecond = new Map<string, { second: number; parts: number }>();

  constructor(public now: () => Date = () => new Date()) {}

  publish(phoneNumber: string, message: string, attributes: PublishedMessage['attributes']): PublishedMessage {
    const entry = { messageId: randomUUID(), phoneNumber, message, attributes, at: this.now() };
    this.published.push(entry);
    return entry;
  }

  /** Returns false when the origination number has used its parts for the current second. */
  takeThroughput(originationNumber: string | undefined, parts: number): boolean {
    if (!this.enforceThroughput || !originationNumber) return true;
    const number = this.originationNumbers.find((n) => n.phoneNumber === originationNumber);
    if (!number) return true;
    const second = Math.floor(this.now().getTime() / 1000);
    const used = this.sentPerSecond.get(originationNumber);
    const current = used && used.second === second ? used.parts : 0;
    if (current + parts > number.partsPerSecond) return false;
    this.sentPerSecond.set(originationNumber, { second, parts: current + parts });
    return true;
  }

  addOriginationNumber(number: Partial<OriginationNumber> & { phoneNumber: string }) {
    const full: OriginationNumber = {
      status: 'ACTIVE',
      iso2CountryCode: 'US',
      routeType: 'Transactional',
      capabilities: ['SMS'],
      createdAt: this.now(),
      partsPerSecond: 1,
      ...number,
    };
    this.originationNumbers.push(full);
    return full;
  }
}
