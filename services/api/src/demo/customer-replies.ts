import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@cxloop/runtime';
import type { DemoHttp } from './http.js';
import type { DemoState } from './state.js';

/** A reply as the demo's stand-in for the customer's channel received it. */
export interface ReceivedReply {
  customerRef: string | null;
  body: string;
}

/** The largest reply body the receiver reads: a reply is at most 10,000 characters of text. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * The demo plays the channels' side of replies too, as it plays the vendors that send feedback: a small
 * HTTP receiver on this machine that checks each reply's Standard Webhooks signature and hands it to
 * `onReply`, and reply targets of every demo source pointing at it. So "Send" in the dashboard reaches
 * "the customer" (this terminal), and a reply that is not delivered shows as such.
 *
 * The API and the aggregation worker refuse plain-http and private targets unless OUTBOUND_ALLOWED_HOSTS
 * allows them; then this returns a reason instead, and replies in the demo answer 409 with what to set.
 */
export async function receiveDemoReplies(
  http: DemoHttp,
  state: DemoState,
  host: string,
  onReply: (reply: ReceivedReply) => void,
): Promise<{ server: Server; url: string } | { refused: string }> {
  const secrets: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const verified =
        size <= MAX_BODY_BYTES &&
        verifyWebhook(request.headers, body, secrets, Math.floor(Date.now() / 1000)).ok;
      if (!verified) {
        response.writeHead(401).end();
        return;
      }
      try {
        const event = JSON.parse(body.toString('utf8')) as {
          data?: { customerRef?: unknown; body?: unknown };
        };
        onReply({
          customerRef: typeof event.data?.customerRef === 'string' ? event.data.customerRef : null,
          body: typeof event.data?.body === 'string' ? event.data.body : '',
        });
        response.writeHead(204).end();
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}/replies`;
  for (const source of Object.values(state.sources)) {
    if (!source) continue;
    const answer = await http.send({
      method: 'PUT',
      path: `/v1/sources/${source.id}/reply-target`,
      apiKey: state.apiKeys.admin,
      json: { url },
      accept: [422],
    });
    if (answer.status === 422) {
      server.close();
      return {
        refused: `the API refuses ${url} as a reply target; start the API and the aggregation worker with OUTBOUND_ALLOWED_HOSTS=${host} to let the demo receive replies`,
      };
    }
    secrets.push(answer.json<{ replySigningSecret: string }>().replySigningSecret);
  }
  return { server, url };
}
