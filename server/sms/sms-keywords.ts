// What an inbound SMS asks for. Whole-message keywords (any case, surrounding spaces and trailing
// punctuation ignored): the CTIA/FCC list plus the words AWS itself acts on (PROVIDERS.md). Free
// text that reads like a revocation ("please stop texting me") is not acted on automatically but
// flagged for a person to review (FCC 2025: consent may be revoked by any reasonable means).
export type InboundAction = 'opt_out' | 'opt_in' | 'help' | 'revocation_review' | 'none';

export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPT OUT', 'ARRET', 'OPT-OUT', 'OPTOUT', 'REMOVE', 'TD'] as const;
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

const optOut = new Set<string>(OPT_OUT_KEYWORDS);
const optIn = new Set<string>(OPT_IN_KEYWORDS);
const help = new Set<string>(HELP_KEYWORDS);

/** Upper case, spaces collapsed, surrounding spaces and punctuation (".", "!", quotes) dropped. */
export function normalizeKeyword(body: string) {
  return body
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'“”‘’(\s]+|[.!?"'“”‘’)\s]+$/g, '')
    .toUpperCase();
}

// Phrases a person uses to withdraw consent in their own words.
const REVOCATION_PATTERNS = [
  /\bstop\b/,
  /\bunsubscribe/,
  /\bopt(?:\s|-)?out\b/,
  /\bremove me\b/,
  /\btake me off\b/,
  /\b(?:do ?n[o']?t|dont|never) (?:text|message|contact|sms|send)/,
  /\bno more (?:texts?|messages?|sms)\b/,
  /\bleave me alone\b/,
  /\bquit (?:texting|messaging|sending)/,
  /\bcancel (?:my )?(?:subscription|texts?|messages?)\b/,
  /\brevoke\b/,
  /\bwrong number\b/,
  /\bnot interested\b/,
];

export function classifyInbound(body: string): InboundAction {
  const keyword = normalizeKeyword(body);
  if (optOut.has(keyword)) return 'opt_out';
  if (optIn.has(keyword)) return 'opt_in';
  if (help.has(keyword)) return 'help';
  const text = body.normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'");
  if (REVOCATION_PATTERNS.some((p) => p.test(text))) return 'revocation_review';
  return 'none';
}
