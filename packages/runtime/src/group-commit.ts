/**
 * Group commit for work items that each wait for their own outcome: an item submitted while a commit is in
 * flight joins the next batch, so under load one transaction (one round-trip chain, one fsync) carries many
 * items instead of one each, and with no load an item is committed at once. The one batching primitive of
 * the ingest path (docs/pipeline.md): the API's FeedbackWriter groups deliveries into feedback inserts, and
 * the pipeline's workers, which run many jobs concurrently, hand each one's database work to one.
 *
 * `commit` settles every item of its batch on its own (`PromiseSettledResult`), so an item that cannot
 * succeed fails alone. When `commit` itself throws, each item of the batch is retried in a batch of one,
 * so one poisoned item cannot fail the others.
 *
 * @example
 * const rollups = new GroupCommit({ commit: (ids) => countBatch(db, ids), maxBatch: 200, maxInFlight: 1 });
 * const outcome = await rollups.submit(feedbackId); // resolves once its batch committed
 */
export interface GroupCommitOptions<Item, Outcome> {
  commit: (items: readonly Item[]) => Promise<readonly PromiseSettledResult<Outcome>[]>;
  /** Size of a commit at most, in `sizeOf` units (an item larger than this is committed alone). */
  maxBatch: number;
  /** Commits running at once; each usually holds one pooled connection. */
  maxInFlight: number;
  /** An item's size (rows it carries, say); 1 when not given. */
  sizeOf?: (item: Item) => number;
  /**
   * While a commit is in flight, the next starts only once `size` is queued or the oldest item has waited
   * `waitMs`, instead of as soon as a connection is free: under moderate load, batches then carry enough
   * to amortise a commit's fixed cost. With nothing in flight an item is still committed at once.
   */
  fill?: { size: number; waitMs: number };
}

interface Pending<Item, Outcome> {
  item: Item;
  resolve: (outcome: Outcome) => void;
  reject: (reason: unknown) => void;
}

export class GroupCommit<Item, Outcome> {
  readonly #waiting: Pending<Item, Outcome>[] = [];
  #waitingSize = 0;
  #inFlight = 0;
  #fillTimer: NodeJS.Timeout | undefined;
  readonly #sizeOf: (item: Item) => number;

  constructor(private readonly options: GroupCommitOptions<Item, Outcome>) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) {
      throw new RangeError('GroupCommit needs maxBatch and maxInFlight of at least 1');
    }
    this.#sizeOf = options.sizeOf ?? (() => 1);
  }

  submit(item: Item): Promise<Outcome> {
    const outcome = new Promise<Outcome>((resolve, reject) => this.#waiting.push({ item, resolve, reject }));
    this.#waitingSize += this.#sizeOf(item);
    this.#commitNext();
    return outcome;
  }

  /** Starts the next commit if one may run; `waited` once its items have waited `fill.waitMs`. */
  #commitNext(waited = false): void {
    if (this.#inFlight >= this.options.maxInFlight || this.#waiting.length === 0) return;
    const { fill } = this.options;
    if (fill && !waited && this.#inFlight > 0 && this.#waitingSize < fill.size) {
      this.#fillTimer ??= setTimeout(() => {
        this.#fillTimer = undefined;
        this.#commitNext(true);
      }, fill.waitMs);
      return;
    }
    clearTimeout(this.#fillTimer);
    this.#fillTimer = undefined;
    const batch = this.#takeBatch();
    this.#inFlight += 1;
    this.#commit(batch).finally(() => {
      this.#inFlight -= 1;
      this.#commitNext();
    });
  }

  /** The oldest waiting items up to maxBatch in size (at least one). */
  #takeBatch(): Pending<Item, Outcome>[] {
    let size = 0;
    let count = 0;
    for (const pending of this.#waiting) {
      const itemSize = this.#sizeOf(pending.item);
      if (count > 0 && size + itemSize > this.options.maxBatch) break;
      size += itemSize;
      count += 1;
    }
    this.#waitingSize -= size;
    return this.#waiting.splice(0, count);
  }

  async #commit(batch: Pending<Item, Outcome>[]): Promise<void> {
    let settled: readonly PromiseSettledResult<Outcome>[];
    try {
      settled = await this.options.commit(batch.map((pending) => pending.item));
      if (settled.length !== batch.length) {
        throw new Error(`commit settled ${settled.length} of ${batch.length} items`);
      }
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((pending) => this.#commit([pending])));
      return;
    }
    batch.forEach((pending, index) => {
      const result = settled[index]!;
      if (result.status === 'fulfilled') pending.resolve(result.value);
      else pending.reject(result.reason);
    });
  }
}
