// meterdesk:// links are parsed and validated in full before anything acts on them; hostile and
// malformed links are refused with a message that never repeats the link.
import { describe, expect, it } from 'vitest';
import { resolveDeepLink, routeToOpenLink } from '../../electron/deep-link';

const TOKEN = 'mdi_' + 'A'.repeat(43);

describe('valid links become console routes', () => {
  it.each([
    ['meterdesk://billing/checkout?checkout=success&session_id=cs_test_a1B2', { kind: 'checkout-return', route: 'billing?checkout=success&session_id=cs_test_a1B2' }],
    ['meterdesk://billing/checkout?checkout=canceled', { kind: 'checkout-return', route: 'billing?checkout=canceled' }],
    ['meterdesk://billing/checkout?checkout=success&session_id={CHECKOUT_SESSION_ID}', { kind: 'checkout-return', route: 'billing?checkout=success' }],
    ['meterdesk://billing/checkout?portal=returned', { kind: 'portal-return', route: 'billing?portal=returned' }],
    [`meterdesk://invite/${TOKEN}`, { kind: 'invitation', route: `invite/${TOKEN}` }],
    [`meterdesk://reset-password/${TOKEN}`, { kind: 'password-reset', route: `reset-password/${TOKEN}` }],
    ['meterdesk://open/usage?scope=team&id=0190f0c0-0000-7000-8000-000000000001&metric=sms_sent', { kind: 'open-screen', route: 'usage?scope=team&id=0190f0c0-0000-7000-8000-000000000001&metric=sms_sent' }],
    ['meterdesk://open/webhooks', { kind: 'open-screen', route: 'webhooks' }],
  ])('%s', (link, action) => {
    expect(resolveDeepLink(link)).toEqual({ ok: true, action });
  });

  it('what the server mints round-trips (checkout return, invitation link)', () => {
    const success = 'meterdesk://billing/checkout?checkout=success&session_id={CHECKOUT_SESSION_ID}'.replace('{CHECKOUT_SESSION_ID}', 'cs_live_9x');
    expect(resolveDeepLink(success)).toMatchObject({ ok: true });
  });
});

describe('hostile and malformed links are refused with a message', () => {
  const hostile: Array<[string, unknown]> = [
    ['not text', 42],
    ['null', null],
    ['an object', { href: 'meterdesk://open/usage' }],
    ['too long', `meterdesk://open/usage?x=${'a'.repeat(3000)}`],
    ['another scheme', 'https://evil.example/invite/abc'],
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['unknown kind', 'meterdesk://format-disk/now'],
    ['upper-case host', `meterdesk://INVITE/${TOKEN}`],
    ['empty', 'meterdesk://'],
    ['no host', 'meterdesk:invite'],
    ['credentials', `meterdesk://user:pw@invite/${TOKEN}`],
    ['port', `meterdesk://invite:8080/${TOKEN}`],
    ['fragment', `meterdesk://invite/${TOKEN}#x`],
    ['NUL', `meterdesk://invite/${TOKEN}\u0000`],
    ['newline', `meterdesk://open/usage?x=a\nb`],
    ['encoded newline in a value', 'meterdesk://open/usage?metric=%0Aevil'],
    ['encoded NUL in a value', 'meterdesk://open/usage?metric=%00'],
    ['line separator', 'meterdesk://open/usage?metric=%E2%80%A8'],
    ['space', 'meterdesk://open/usage x'],
    ['dot segments', `meterdesk://invite/../${TOKEN}`],
    ['encoded dot segments', 'meterdesk://open/%2e%2e'],
    ['encoded slash in a token', `meterdesk://invite/${TOKEN}%2Fx`],
    ['double slash', `meterdesk://invite//${TOKEN}`],
    ['short token', 'meterdesk://invite/abc'],
    ['token with quotes', `meterdesk://invite/${TOKEN}'"<script>`],
    ['extra path', `meterdesk://invite/${TOKEN}/extra`],
    ['invitation with a query', `meterdesk://invite/${TOKEN}?redirect=https://evil.example`],
    ['unknown screen', 'meterdesk://open/admin-backdoor'],
    ['prototype screen', 'meterdesk://open/__proto__'],
    ['no screen', 'meterdesk://open'],
    ['nested screen', 'meterdesk://open/usage/events'],
    ['bad parameter name', 'meterdesk://open/usage?%24where=1'],
    ['too many parameters', `meterdesk://open/usage?${Array.from({ length: 9 }, (_, i) => `k${'abcdefghij'[i]}=1`).join('&')}`],
    ['repeated parameter', 'meterdesk://open/usage?metric=a&metric=b'],
    ['checkout without an outcome', 'meterdesk://billing/checkout'],
    ['checkout with a wrong outcome', 'meterdesk://billing/checkout?checkout=paid'],
    ['checkout with a foreign session id', 'meterdesk://billing/checkout?checkout=success&session_id=pi_123'],
    ['checkout with extra parameters', 'meterdesk://billing/checkout?checkout=success&next=https://evil.example'],
    ['checkout with both outcomes', 'meterdesk://billing/checkout?checkout=success&checkout=canceled'],
    ['portal with junk', 'meterdesk://billing/checkout?portal=returned&x=1'],
    ['billing elsewhere', 'meterdesk://billing/refund?checkout=success'],
  ];

  it.each(hostile)('%s', (_label, link) => {
    const result = resolveDeepLink(link);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^Meterdesk cannot open this link: .+\.$/);
    // The message never repeats the link (a token could be in it).
    if (typeof link === 'string') expect(result.message).not.toContain(TOKEN);
    expect(result.message).not.toMatch(/evil|script|backdoor/);
  });
});

describe('notification routes as links', () => {
  it('turns a notification link into the deep link that opens it, or null', () => {
    expect(routeToOpenLink('usage?scope=organization&metric=sms_sent')).toBe('meterdesk://open/usage?scope=organization&metric=sms_sent');
    expect(routeToOpenLink('webhooks')).toBe('meterdesk://open/webhooks');
    expect(routeToOpenLink('../../etc')).toBeNull();
    expect(routeToOpenLink('nowhere')).toBeNull();
    expect(routeToOpenLink(null)).toBeNull();
  });
});
