/**
 * The demo talks to cxloop as a customer's systems would: over HTTP, to the running API. A 429 is waited
 * out as its Retry-After says, like any well-behaved sender; anything else unexpected stops the demo with
 * the problem the API described.
 */

export class DemoHttpError extends Error {
  override name = 'DemoHttpError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`);
  }
}

export interface DemoRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  /** An API key (Bearer); webhooks carry signatures instead. */
  apiKey?: string;
  headers?: Record<string, string>;
  /** A value sent as JSON, or a body sent as it is (signed bytes, form data, NDJSON). */
  json?: unknown;
  body?: string;
  /** Statuses the caller handles itself instead of an error. */
  accept?: readonly number[];
}

export interface DemoResponse {
  status: number;
  text: string;
  json<T>(): T;
}

const MAX_RATE_LIMIT_WAITS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DemoHttp {
  constructor(readonly baseUrl: string) {}

  async send(request: DemoRequest): Promise<DemoResponse> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.apiKey) headers.authorization = `Bearer ${request.apiKey}`;
    let body = request.body;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    }
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(new URL(request.path, this.baseUrl), {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      if (response.status === 429 && attempt < MAX_RATE_LIMIT_WAITS) {
        const seconds = Number(response.headers.get('retry-after') ?? '1');
        await sleep(Math.max(1, Number.isFinite(seconds) ? seconds : 1) * 1000);
        continue;
      }
      const accepted =
        (response.status >= 200 && response.status < 300) || request.accept?.includes(response.status);
      if (!accepted) throw new DemoHttpError(request.method, request.path, response.status, text);
      return { status: response.status, text, json: <T>() => JSON.parse(text) as T };
    }
  }
}

/** Runs `task` over `items`, at most `concurrency` at a time. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  });
  await Promise.all(runners);
}
