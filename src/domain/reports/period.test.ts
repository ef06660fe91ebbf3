import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallClock, wallClockIn } from './period.ts';

// Zones with summer time, one that moves by half an hour, one at a quarter hour, and one without changes.
const ZONES = ['America/Mexico_City', 'America/New_York', 'Europe/Madrid', 'Australia/Lord_Howe', 'Asia/Kathmandu'];

describe('wallClockIn (the report sheets’ fast local time)', () => {
  it('reads the same wall time as wallClock for any instant, including around summer-time changes', () => {
    const from = Date.UTC(2000, 0, 1);
    const to = Date.UTC(2040, 0, 1);
    for (const zone of ZONES) {
      const fast = wallClockIn(zone);
      fc.assert(
        fc.property(fc.integer({ min: from, max: to }), (ms) => {
          expect(fast(new Date(ms)).getTime()).toBe(wallClock(new Date(ms), zone).getTime());
        }),
        { numRuns: 2_000 },
      );
    }
  });

  it('is exact on both sides of a change: Madrid’s clocks go from 02:00 to 03:00 on 2026-03-29', () => {
    const fast = wallClockIn('Europe/Madrid');
    const change = Date.UTC(2026, 2, 29, 1, 0, 0);
    expect(fast(new Date(change - 1)).toISOString()).toBe('2026-03-29T01:59:59.999Z');
    expect(fast(new Date(change)).toISOString()).toBe('2026-03-29T03:00:00.000Z');
    // Every second of the day around the change agrees with the exact conversion.
    for (let ms = change - 3_600_000; ms < change + 3_600_000; ms += 1_000)
      expect(fast(new Date(ms)).getTime()).toBe(wallClock(new Date(ms), 'Europe/Madrid').getTime());
  });
});
