// Text and JSON that arrive from outside (tRPC inputs, HTTP bodies, CSV cells) pass these checks
// before anything stores them: PostgreSQL cannot store NUL at all, control characters hide in
// logs and exports, and strings with lone surrogates are not valid Unicode (they would be stored
// as U+FFFD, so two different values could collide). Shared with the renderer's forms.
import { z } from 'zod';

// Control characters (Unicode category Cc: C0, DEL and C1). Multi-line text keeps tab and newlines.
const CONTROL = /\p{Cc}/u;
const CONTROL_EXCEPT_WHITESPACE = /[^\P{Cc}\t\n\r]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` is refused as text, or null when it is fine. */
export function textProblem(value: string, options: { multiline?: boolean } = {}): string | null {
  if ((options.multiline ? CONTROL_EXCEPT_WHITESPACE : CONTROL).test(value)) {
    return options.multiline
      ? 'Remove control characters (such as NUL or escape); only tabs and line breaks are allowed.'
      : 'Remove control characters (such as NUL, tab, line breaks or escape).';
  }
  if (LONE_SURROGATE.test(value)) return 'Contains broken Unicode (a lone surrogate); send well-formed UTF-16 text.';
  return null;
}

/**
 * A string schema that refuses control characters and broken Unicode, with the message on the
 * field. Chain `.trim()`, `.min()`, `.max()` as on any z.string().
 */
export function plainText(options: { multiline?: boolean } = {}) {
  return z.string().superRefine((value, ctx) => {
    const problem = textProblem(value, options);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export interface JsonBounds {
  /** Deepest nesting of objects and arrays (a flat object has depth 1). */
  maxDepth: number;
  /** Size of the value written as JSON, in UTF-8 bytes. */
  maxBytes: number;
}

/**
 * Why a parsed JSON value is refused, or null: too deep, too large, or holding text (keys or
 * strings) with control characters or broken Unicode. Walks iteratively, so a hostile
 * 100,000-deep value cannot overflow the stack.
 */
export function jsonProblem(value: unknown, bounds: JsonBounds): string | null {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node === 'string') {
      const problem = textProblem(node, { multiline: true });
      if (problem) return problem;
    } else if (node !== null && typeof node === 'object') {
      if (depth + 1 > bounds.maxDepth) return `Nested more than ${bounds.maxDepth} levels deep.`;
      for (const [key, child] of Object.entries(node)) {
        const problem = Array.isArray(node) ? null : textProblem(key);
        if (problem) return `Key ${JSON.stringify(key.slice(0, 40))}: ${problem}`;
        stack.push({ node: child, depth: depth + 1 });
      }
    } else if (typeof node === 'number' && !Number.isFinite(node)) {
      return 'Numbers must be finite.';
    }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? '').length;
  if (bytes > bounds.maxBytes) return `Larger than ${bounds.maxBytes.toLocaleString('en-US')} bytes as JSON (${bytes.toLocaleString('en-US')}).`;
  return null;
}

/** A JSON object schema bounded in depth and size, whose keys and strings are plain text. */
export function boundedJsonObject(bounds: JsonBounds) {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const problem = jsonProblem(value, bounds);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
