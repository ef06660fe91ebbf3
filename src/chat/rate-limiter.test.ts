import { describe, expect, it } from 'vitest';
import { manualClock } from '../clock.ts';
import { createRateLimiter } from './rate-limiter.ts';

const perSecond = [{ max: 1, perMs: 1_000 }];

describe('rate limiter', () => {
  it('allows max events per window and says how long until the next one fits', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ clock });
    const windows = [{ max: 3, perMs: 60_000 }];
    expect([limiter.take('a', windows), limiter.take('a', windows), limiter.take('a', windows)]).toEqual([0, 0, 0]);
    clock.advance(10_000);
    expect(limiter.take('a', windows)).toBe(50_000);
    expect(limiter.take('b', windows)).toBe(0);
    clock.advance(50_000);
    expect(limiter.take('a', windows)).toBe(0);
  });

  it('honours every window at once: 1 a second and 20 a minute', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ clock });
    const group = [
      { max: 1, perMs: 1_000 },
      { max: 20, perMs: 60_000 },
    ];
    for (let i = 0; i < 20; i++) {
      expect(limiter.take('g', group)).toBe(0);
      expect(limiter.delayFor('g', group)).toBe(i === 19 ? 41_000 : 1_000);
      clock.advance(1_000);
    }
    expect(limiter.take('g', group)).toBe(40_000);
  });

  it('keeps limiting an active key however many other keys come and go', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ clock });
    const windows = [{ max: 1, perMs: 60_000 }];
    expect(limiter.take('busy', windows)).toBe(0);
    for (let i = 0; i < 25_000; i++) {
      limiter.take(`visitor-${i}`, perSecond);
      if (i % 5_000 === 0) clock.advance(1_001);
    }
    expect(limiter.take('busy', windows)).toBeGreaterThan(0);
    // Idle keys are forgotten, so memory follows the active keys, not every key ever seen.
    expect(limiter.size()).toBeLessThan(12_000);
  });

  it('waits on the clock until a send fits, then counts it', async () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ clock });
    const entries = [{ key: 'chat', windows: perSecond }];
    const start = clock.now().getTime();
    await limiter.acquire(entries);
    await limiter.acquire(entries);
    expect(clock.now().getTime() - start).toBe(1_000);
    expect(limiter.delayFor('chat', perSecond)).toBe(1_000);
  });
});
