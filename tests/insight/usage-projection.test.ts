import { describe, expect, it } from 'vitest';
import { projectUsage } from '../../server/usage/project-usage';

const nov = { periodStart: new Date('2026-11-01T00:00:00Z'), periodEnd: new Date('2026-12-01T00:00:00Z') };

describe('projected end-of-period usage (seed 003 projectedOverage)', () => {
  it('extrapolates linearly on the part of the period gone by', () => {
    const p = projectUsage({ ...nov, used: 300, limit: 1000, now: new Date('2026-11-10T00:00:00Z') });
    expect(p.elapsed).toBeCloseTo(9 / 30);
    expect(p.projected).toBe(1000);
    expect(p.projectedOverage).toBe(0);
    expect(p.willExceed).toBe(false);
    expect(p.daysLeft).toBe(21);
  });

  it('says when the pace passes the limit, and by how much', () => {
    const p = projectUsage({ ...nov, used: 600, limit: 1000, now: new Date('2026-11-16T00:00:00Z') });
    expect(p.projected).toBe(1200);
    expect(p.projectedOverage).toBe(200);
    expect(p.willExceed).toBe(true);
  });

  it('has no overage without a limit, and a passed limit is exceeded whatever the pace', () => {
    expect(projectUsage({ ...nov, used: 600, limit: null, now: new Date('2026-11-16T00:00:00Z') })).toMatchObject({ projectedOverage: 0, willExceed: false });
    expect(projectUsage({ ...nov, used: 1001, limit: 1000, now: new Date('2026-11-30T23:00:00Z') }).willExceed).toBe(true);
  });

  it('does not extrapolate from less than an hour, keeps gauges level and closed periods as they ended', () => {
    // Five minutes in: as if an hour had gone by (720 hours in November).
    expect(projectUsage({ ...nov, used: 10, limit: null, now: new Date('2026-11-01T00:05:00Z') }).projected).toBe(7200);
    expect(projectUsage({ ...nov, used: 512, limit: 1024, now: new Date('2026-11-10T00:00:00Z'), gauge: true })).toMatchObject({ projected: 512, willExceed: false });
    expect(projectUsage({ ...nov, used: 700, limit: 1000, now: new Date('2026-12-05T00:00:00Z') })).toMatchObject({ projected: 700, daysLeft: 0, elapsed: 1 });
    // Counting today: a few hours before the end is one day left.
    expect(projectUsage({ ...nov, used: 0, limit: null, now: new Date('2026-11-30T20:00:00Z') }).daysLeft).toBe(1);
  });
});
