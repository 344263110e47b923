/**
 * A customer's purchase history as the purchase models read it, all times in one unit chosen by the
 * caller (weeks in cxloop), measured from the customer's first purchase:
 * - `frequency` (x): repeat purchases, i.e. purchases after the first;
 * - `recency` (tₓ): time of the last repeat purchase (0 when there is none);
 * - `age` (T): time from the first purchase to the end of the observation period.
 */
export interface PurchaseHistory {
  readonly frequency: number;
  readonly recency: number;
  readonly age: number;
}

/** A purchase history with the number of customers who share it (histories repeat a lot at small x). */
export interface WeightedHistory extends PurchaseHistory {
  readonly customers: number;
}

/** Groups identical histories so a likelihood evaluates each distinct one once. */
export function groupHistories(histories: Iterable<PurchaseHistory>): WeightedHistory[] {
  const groups = new Map<string, { frequency: number; recency: number; age: number; customers: number }>();
  for (const { frequency, recency, age } of histories) {
    if (!Number.isInteger(frequency) || frequency < 0) throw new RangeError(`frequency ${frequency}`);
    if (!(recency >= 0 && recency <= age)) throw new RangeError(`recency ${recency} outside [0, ${age}]`);
    const key = `${frequency}:${recency}:${age}`;
    const group = groups.get(key);
    if (group) group.customers++;
    else groups.set(key, { frequency, recency, age, customers: 1 });
  }
  return [...groups.values()];
}
