/**
 * Runs `write` at most once per `intervalMs` while there is something to write, and at once on `flush()`,
 * never two at a time. For state kept in memory behind a caller that must not wait for it (a log, a
 * hand-off to a queue): `schedule()` after each change, `flush()` before reading it or shutting down.
 * `write` takes whatever is pending when it runs and must settle on its own: it reports its failures
 * itself and never rejects, since a timer started it and nobody awaits it.
 *
 * @example
 * const flusher = new PeriodicFlush(100, () => writePending());
 * pending.push(entry);
 * flusher.schedule();
 */
export class PeriodicFlush {
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly write: () => Promise<void>,
  ) {}

  /** Arms the next write unless one is armed already. */
  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), this.intervalMs);
    // What is pending is written by `flush` on shutdown; it must not keep a process alive on its own.
    this.#timer.unref();
  }

  /** Writes what is pending now (after a write in progress) and resolves once it is written. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing = this.#writing.then(() => this.write());
    return this.#writing;
  }
}
