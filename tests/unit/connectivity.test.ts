// The console's offline state (renderer/src/lib/connectivity.ts) as a unit: which errors turn the
// banner on, the backoff between probes, and what happens when the probe answers.
import { TRPCClientError } from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const shape = (data: Record<string, unknown>, message = 'x') => ({ error: { message, code: -32603, data } }) as never;

describe('connectivity', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.resetModules();
  });
  afterEach(() => vi.useRealTimers());

  it('tells connectivity failures from every other error', async () => {
    const { connectivityProblem } = await import('../../renderer/src/lib/connectivity');
    expect(connectivityProblem(TRPCClientError.from(shape({ code: 'SERVICE_UNAVAILABLE', databaseUnavailable: true })))).toBe('database');
    expect(connectivityProblem(new TRPCClientError('Failed to fetch'))).toBe('server');
    expect(connectivityProblem(TRPCClientError.from(shape({ code: 'INTERNAL_SERVER_ERROR' })))).toBeNull();
    expect(connectivityProblem(TRPCClientError.from(shape({ code: 'UNAUTHORIZED' })))).toBeNull();
    expect(connectivityProblem(new Error('Failed to fetch'))).toBeNull();
  });

  it('goes offline on a database-unavailable answer, probes with growing delays, and comes back once the probe answers', async () => {
    const c = await import('../../renderer/src/lib/connectivity');
    let databaseUp = false;
    const probes: number[] = [];
    const reconnected = vi.fn();
    c.configureConnectivity({
      probe: async () => {
        probes.push(Date.now());
        if (!databaseUp) throw TRPCClientError.from(shape({ code: 'SERVICE_UNAVAILABLE', databaseUnavailable: true }));
        return { ok: true };
      },
      onReconnected: reconnected,
    });
    // Ordinary errors change nothing.
    c.noticeError(TRPCClientError.from(shape({ code: 'BAD_REQUEST' })));
    expect(probes).toEqual([]);
    const start = Date.now();
    c.noticeError(TRPCClientError.from(shape({ code: 'SERVICE_UNAVAILABLE', databaseUnavailable: true })));
    // A second failure while offline does not start a second probe loop.
    c.noticeError(TRPCClientError.from(shape({ code: 'SERVICE_UNAVAILABLE', databaseUnavailable: true })));
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000 + 8000 + 15000 + 15000);
    expect(probes.map((t) => t - start)).toEqual([1000, 3000, 7000, 15000, 30000, 45000]);
    expect(reconnected).not.toHaveBeenCalled();
    expect(c.backoffDelay(10)).toBe(15000);
    databaseUp = true;
    await vi.advanceTimersByTimeAsync(15000);
    expect(reconnected).toHaveBeenCalledTimes(1);
    // Back online: no more probes.
    await vi.advanceTimersByTimeAsync(60000);
    expect(probes).toHaveLength(7);
  });

  it('"Try now" probes at once', async () => {
    const c = await import('../../renderer/src/lib/connectivity');
    const reconnected = vi.fn();
    c.configureConnectivity({ probe: async () => ({ ok: true }), onReconnected: reconnected });
    c.noticeError(new TRPCClientError('Failed to fetch'));
    await c.retryNow();
    expect(reconnected).toHaveBeenCalledTimes(1);
  });
});
