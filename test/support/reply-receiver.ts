import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a channel's reply endpoint on 127.0.0.1 (allowed by testOutboundAllowlist): it records each
 * body it is sent and answers 204, as a channel that accepted the reply would.
 */
export async function startReplyReceiver(): Promise<{
  url: string;
  replies: string[];
  close: () => Promise<void>;
}> {
  const replies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      replies.push(body);
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/replies`,
    replies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
