// The message body with characters that force UCS-2 highlighted in place: a transparent textarea
// over a mirror of its text in which those characters are marked (same font, padding and wrapping).
import { Box, Group, Text } from '@mantine/core';
import { useMemo, useRef } from 'react';
import { messageSegments, MAX_BODY_CHARACTERS } from '../../../../server/campaigns/message-segments';

const shared: React.CSSProperties = {
  font: '14px/1.5 var(--mantine-font-family-monospace)',
  padding: '10px 12px',
  whiteSpace: 'pre-wrap',
  overflowWrap: 'break-word',
  margin: 0,
  border: '1px solid transparent',
  boxSizing: 'border-box',
  width: '100%',
  minHeight: 140,
};

export function MessageEditor({ value, onChange, footer, error }: { value: string; onChange: (v: string) => void; footer: string | null; error?: string }) {
  const mirror = useRef<HTMLDivElement>(null);
  const full = footer ? `${value.trim()}\n${footer}` : value.trim();
  const segments = useMemo(() => messageSegments(full), [full]);
  const nonGsm = useMemo(() => new Set(messageSegments(value).nonGsmCharacters), [value]);
  const marked = useMemo(
    () =>
      [...value].map((ch, i) =>
        nonGsm.has(ch) ? (
          <mark key={i} style={{ background: 'var(--mantine-color-yellow-3)', color: 'transparent', borderRadius: 2 }}>
            {ch}
          </mark>
        ) : (
          ch
        ),
      ),
    [value, nonGsm],
  );
  const characters = [...full].length;
  return (
    <div>
      <Text component="label" htmlFor="campaign-body" size="sm" fw={500}>
        Message
      </Text>
      <Box pos="relative" mt={4} style={{ border: `1px solid ${error ? 'var(--mantine-color-red-6)' : 'var(--mantine-color-default-border)'}`, borderRadius: 'var(--mantine-radius-sm)', background: 'var(--mantine-color-body)' }}>
        <div ref={mirror} aria-hidden style={{ ...shared, position: 'absolute', inset: 0, color: 'transparent', overflow: 'hidden', pointerEvents: 'none' }}>
          {marked}
          {'\n'}
        </div>
        <textarea
          id="campaign-body"
          aria-label="Message"
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          onScroll={(e) => mirror.current && (mirror.current.scrollTop = e.currentTarget.scrollTop)}
          rows={6}
          style={{ ...shared, position: 'relative', background: 'transparent', color: 'inherit', resize: 'vertical', outline: 'none', display: 'block' }}
        />
      </Box>
      {error && (
        <Text size="xs" c="red" mt={4} role="alert">
          {error}
        </Text>
      )}
      <Group justify="space-between" mt={6} gap="xs">
        <Text size="sm" data-testid="segment-counter" c={characters > MAX_BODY_CHARACTERS ? 'red' : undefined}>
          {characters} / {MAX_BODY_CHARACTERS} characters · {segments.parts} {segments.parts === 1 ? 'part' : 'parts'} · {segments.encoding}
        </Text>
        {nonGsm.size > 0 && (
          <Text size="xs" c="orange">
            Not in the GSM-7 alphabet (the message goes as UCS-2, 70 characters a part): {[...nonGsm].join(' ')}
          </Text>
        )}
      </Group>
    </div>
  );
}
