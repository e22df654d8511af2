// How an SMS body splits into parts (GSM-7: 160 characters in one part, 153 per part when split;
// UCS-2: 70 / 67), with Twilio's calculator (sms-segments-calculator). Pure: the composer in the
// renderer shows the same count the server reserves quota for.
import { SegmentedMessage } from 'sms-segments-calculator';

export const MAX_BODY_CHARACTERS = 1600;

export interface MessageSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Characters as a person counts them (an emoji is one). */
  characters: number;
  parts: number;
  /** Characters that force UCS-2, each once, in order of appearance. */
  nonGsmCharacters: string[];
}

export function messageSegments(text: string): MessageSegments {
  if (text.length === 0) return { encoding: 'GSM-7', characters: 0, parts: 0, nonGsmCharacters: [] };
  const message = new SegmentedMessage(text, 'auto');
  return {
    encoding: message.encodingName as 'GSM-7' | 'UCS-2',
    characters: [...text].length,
    parts: message.segmentsCount,
    nonGsmCharacters: [...new Set(message.getNonGsmCharacters())],
  };
}

/** The text that goes out: the body, and the compliance footer on its own line when asked for. */
export function composeSmsText(body: string, footer: string | null): string {
  const trimmed = body.trim();
  return footer && footer.trim() ? `${trimmed}\n${footer.trim()}` : trimmed;
}
