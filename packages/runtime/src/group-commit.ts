import { type FeedbackRef, type ReceivedBetween, spanOf, type TimeSpan } from '@cxloop/contracts';

/**
 * Group commit for work items that each wait for their own outcome: an item submitted while a commit is in
 * flight joins the next batch, so under load one transaction (one round-trip chain, one fsync) carries many
 * items instead of one each, and with no load an item is committed at once. The pipeline's workers run
 * many jobs concurrently and hand each one's database work to a GroupCommit.
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
  /** Items per commit at most. */
  maxBatch: number;
  /** Commits running at once; each usually holds one pooled connection. */
  maxInFlight: number;
}

interface Pending<Item, Outcome> {
  item: Item;
  resolve: (outcome: Outcome) => void;
  reject: (reason: unknown) => void;
}

export class GroupCommit<Item, Outcome> {
  readonly #waiting: Pending<Item, Outcome>[] = [];
  #inFlight = 0;

  constructor(private readonly options: GroupCommitOptions<Item, Outcome>) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) {
      throw new RangeError('GroupCommit needs maxBatch and maxInFlight of at least 1');
    }
  }

  submit(item: Item): Promise<Outcome> {
    const outcome = new Promise<Outcome>((resolve, reject) => this.#waiting.push({ item, resolve, reject }));
    this.#commitNext();
    return outcome;
  }

  #commitNext(): void {
    if (this.#inFlight >= this.options.maxInFlight || this.#waiting.length === 0) return;
    const batch = this.#waiting.splice(0, this.options.maxBatch);
    this.#inFlight += 1;
    this.#commit(batch).finally(() => {
      this.#inFlight -= 1;
      this.#commitNext();
    });
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

/** Feedback grouped by organisation, each group in the order given. */
export function refsByOrganisation(refs: readonly FeedbackRef[]): Map<string, FeedbackRef[]> {
  const byOrg = new Map<string, FeedbackRef[]>();
  for (const ref of refs) {
    const group = byOrg.get(ref.orgId);
    if (group) group.push(ref);
    else byOrg.set(ref.orgId, [ref]);
  }
  return byOrg;
}

/** The receipt times that cover every ref's range, or undefined when any ref's is unknown. */
export function receivedSpanOf(refs: readonly FeedbackRef[]): TimeSpan | undefined {
  return spanOf(
    refs.flatMap(({ receivedBetween }) =>
      receivedBetween ? [new Date(receivedBetween[0]), new Date(receivedBetween[1])] : [undefined],
    ),
  );
}

/** `receivedSpanOf` as a job carries it. */
export function receivedBetweenOf(refs: readonly FeedbackRef[]): ReceivedBetween | undefined {
  const span = receivedSpanOf(refs);
  return span && [span[0].toISOString(), span[1].toISOString()];
}

/** A feedback's receipt time as the one-point range a ref carries. */
export function receivedAtPoint(receivedAt: Date): ReceivedBetween {
  const iso = receivedAt.toISOString();
  return [iso, iso];
}

/**
 * Runs a batch of feedback jobs one organisation at a time (every repository call is scoped to one
 * organisation) and puts the outcomes back in the order of `jobs`. `commitOrganisation` returns one outcome
 * per id, in the order of the ids it was given; it also gets the receipt range of those ids when known.
 */
export async function perOrganisation<Outcome>(
  jobs: readonly FeedbackRef[],
  commitOrganisation: (
    orgId: string,
    feedbackIds: string[],
    received: TimeSpan | undefined,
  ) => Promise<readonly Outcome[]>,
): Promise<Outcome[]> {
  const outcomes = new Map<string, Outcome>();
  for (const [orgId, refs] of refsByOrganisation(jobs)) {
    const ids = refs.map((ref) => ref.feedbackId);
    const settled = await commitOrganisation(orgId, ids, receivedSpanOf(refs));
    for (const [index, id] of ids.entries()) outcomes.set(`${orgId}/${id}`, settled[index]!);
  }
  return jobs.map((job) => outcomes.get(`${job.orgId}/${job.feedbackId}`)!);
}
