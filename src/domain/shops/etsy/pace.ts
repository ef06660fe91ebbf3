import type { Clock } from '../../../clock.ts';

/**
 * One pace shared by every Etsy call of this process: at most `perSecond` calls within any one second, as
 * Etsy counts them (a sliding second of arrivals). Etsy sees a call somewhere between our start and its
 * answer, so a slot is held from the start until one second after the answer: that can never be too many,
 * whatever the latency. Etsy's x-remaining-this-second of 0 holds everyone back until our oldest slot in the
 * window frees (not a whole second from then), and a 429's retry-after holds everyone back.
 * Callers take turns in arrival order.
 */
export interface Pace {
  /** Waits until one more call may start; call the returned function when its answer has arrived. */
  turn(signal?: AbortSignal): Promise<() => void>;
  /** What Etsy's headers said after a call: `x-remaining-this-second`. */
  observe(remainingThisSecond: number | undefined): void;
  /** Nobody starts before `ms` from now (a 429's retry-after). */
  holdFor(ms: number): void;
}

export function createPace(clock: Clock, perSecond = 10): Pace {
  let answered: number[] = [];
  let inFlight = 0;
  let heldUntil = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let wake: (() => void) | undefined;
  const now = () => clock.now().getTime();

  function waitNeeded(at: number): number | 'answer' {
    if (heldUntil > at) return heldUntil - at;
    answered = answered.filter((stamp) => stamp > at - 1000);
    if (answered.length + inFlight < perSecond) return 0;
    if (answered.length === 0) return 'answer';
    return Math.min(...answered) + 1000 - at;
  }

  async function take(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = waitNeeded(now());
      if (wait === 0) break;
      if (wait === 'answer') await new Promise<void>((resolve) => (wake = resolve));
      else await clock.sleep(wait, signal);
    }
    inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight -= 1;
      answered.push(now());
      wake?.();
      wake = undefined;
    };
  }

  return {
    turn(signal) {
      const mine = queue.then(() => take(signal));
      queue = mine.catch(() => undefined);
      return mine;
    },
    observe(remaining) {
      if (remaining !== 0) return;
      // Etsy's second is full: it frees when the oldest arrival in it is a second old. Our oldest slot in the
      // window is no earlier than that arrival; with none of ours there (another process spent it), a whole second.
      const at = now();
      const ours = answered.filter((stamp) => stamp > at - 1000);
      heldUntil = Math.max(heldUntil, (ours.length > 0 ? Math.min(...ours) : at) + 1000);
    },
    holdFor(ms) {
      heldUntil = Math.max(heldUntil, now() + ms);
    },
  };
}
