/**
 * The attempt timeouts of one transport on a single runtime timer. In Node, a `setTimeout`
 * whose length no other live timer shares creates a timer list and re-arms the event loop's
 * timer, and clearing it undoes both: on a call that starts and ends alone, that is several
 * microseconds every time (measured by bench/run.mjs) for timers that almost never fire.
 * Here deadlines wait in order, the one runtime timer is armed for the earliest, and a
 * finished attempt only marks its entry.
 *
 * That needs a timer that can wait between calls without keeping the process alive
 * (`unref`: Node, Bun). Where timers have no `unref` (browsers, Deno, edge workers, where a
 * timer may also belong to the request that set it), every attempt gets its own timer.
 */
interface Entry {
  at: number;
  fire: (() => void) | undefined;
}

/** The longest delay a runtime timer takes (2^31 - 1 ms); a longer one means no timer. */
export const MAX_TIMER_MS = 2_147_483_647;

export class Deadlines {
  readonly #queue: Entry[] = [];
  #live = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** Set once a timer turns out to have no `unref`. */
  #perAttempt = false;

  /**
   * Calls `fire` once `ms` have passed (never when `ms` is beyond a timer's range, as
   * Infinity is), unless the returned cancel function is called first.
   */
  add(ms: number, fire: () => void): () => void {
    if (!(ms < MAX_TIMER_MS)) return () => undefined;
    if (this.#perAttempt) {
      const timer = setTimeout(fire, ms);
      return () => clearTimeout(timer);
    }
    const entry: Entry = { at: Date.now() + ms, fire };
    const queue = this.#queue;
    // Finished attempts are dropped as they reach the front.
    while (queue.length > 0 && (queue[0] as Entry).fire === undefined) queue.shift();
    // One transport's attempts mostly share a timeout, so this is nearly always an append.
    let index = queue.length;
    while (index > 0 && (queue[index - 1] as Entry).at > entry.at) index--;
    queue.splice(index, 0, entry);
    this.#live++;
    if (entry.at < this.#timerAt) this.#arm(entry.at);
    return () => {
      if (entry.fire === undefined) return;
      entry.fire = undefined;
      if (--this.#live === 0 && this.#perAttempt) this.#disarm();
    };
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    const timer = setTimeout(() => this.#run(), Math.max(0, at - Date.now()));
    const unref = (timer as { unref?: () => void }).unref;
    if (typeof unref === 'function') unref.call(timer);
    // The entries already here keep this timer, cleared once they are done.
    else this.#perAttempt = true;
    this.#timer = timer;
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#queue.length = 0;
  }

  #run(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    const queue = this.#queue;
    while (queue.length > 0) {
      const entry = queue[0] as Entry;
      if (entry.fire !== undefined && entry.at > now) break;
      queue.shift();
      const fire = entry.fire;
      if (fire === undefined) continue;
      entry.fire = undefined;
      this.#live--;
      fire();
    }
    const next = queue.find((entry) => entry.fire !== undefined);
    if (next !== undefined) this.#arm(next.at);
    else queue.length = 0;
  }
}
