import { describe, expect, it } from 'vitest';
import { boundedJsonObject, plainText } from '../../server/validation/text';

describe('plain text', () => {
  const name = plainText().trim().min(1).max(20);
  const note = plainText({ multiline: true });

  it('refuses NUL, escape, C1 controls and line breaks in single-line text, with a message', () => {
    for (const bad of ['a\u0000b', 'a\u001bb', 'a\u0085b', 'a\nb', 'a\tb', 'a\u007fb']) {
      const result = name.safeParse(bad);
      expect(result.success, JSON.stringify(bad)).toBe(false);
      expect(result.error!.issues[0]!.message).toMatch(/control characters/);
    }
  });

  it('keeps tabs and line breaks in multi-line text but not NUL', () => {
    expect(note.safeParse('line one\n\tline two\r\n').success).toBe(true);
    expect(note.safeParse('x\u0000').success).toBe(false);
  });

  it('refuses lone surrogates but accepts real astral characters', () => {
    expect(name.safeParse('key-\ud800').success).toBe(false);
    expect(name.safeParse('\udc00-key').success).toBe(false);
    expect(name.safeParse('rocket 🚀 Zoë').success).toBe(true);
  });

  it('still trims and bounds like z.string()', () => {
    expect(name.parse('  Sales  ')).toBe('Sales');
    expect(name.safeParse('x'.repeat(21)).success).toBe(false);
  });
});

describe('bounded JSON', () => {
  const metadata = boundedJsonObject({ maxDepth: 5, maxBytes: 1000 });

  it('accepts a plain object within the bounds', () => {
    expect(metadata.safeParse({ campaign: 'c-1', tags: ['a', 'b'], nested: { n: 1 } }).success).toBe(true);
  });

  it('refuses values nested 10,000 deep without overflowing the stack', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const result = metadata.safeParse(deep);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/Nested more than 5 levels/);
  });

  it('refuses oversized values, and NUL in keys or strings', () => {
    expect(metadata.safeParse({ big: 'x'.repeat(2000) }).error!.issues[0]!.message).toMatch(/Larger than 1,000 bytes/);
    expect(metadata.safeParse({ note: 'a\u0000b' }).success).toBe(false);
    expect(metadata.safeParse({ ['k\u0000']: 1 }).success).toBe(false);
    expect(metadata.safeParse({ list: [{ s: '\ud800' }] }).success).toBe(false);
  });
});
