import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedWebhook, WebhookDeliveryError } from './outbound.js';
import {
  checkTargetUrl,
  emptyOutboundAllowlist,
  outboundAllowlistShape,
  type ResolveAll,
  refusalOfTargetUrl,
  vetTarget,
} from './outbound-target.js';

const resolvesTo =
  (...addresses: string[]): ResolveAll =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('outbound targets', () => {
  it.each([
    'http://93.184.215.14/hook',
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://10.1.2.3/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[fd00::1]/hook',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://user:pass@hooks.example.com/hook',
    'ftp://hooks.example.com/hook',
  ])('refuses %s without an allowlist', (url) => {
    expect(() => checkTargetUrl(url, emptyOutboundAllowlist)).toThrow();
  });

  it('accepts https to a public address', async () => {
    const target = await vetTarget(
      'https://hooks.example.com/cx',
      emptyOutboundAllowlist,
      resolvesTo('93.184.215.14'),
    );
    expect(target).toMatchObject({ address: '93.184.215.14', family: 4 });
  });

  it('refuses a name when any address it resolves to is private (DNS rebinding)', async () => {
    for (const addresses of [['10.0.0.5'], ['93.184.215.14', '127.0.0.1'], ['::1'], ['169.254.169.254']]) {
      await expect(
        vetTarget('https://hooks.example.com/cx', emptyOutboundAllowlist, resolvesTo(...addresses)),
      ).rejects.toThrow(/not a public one/);
    }
  });

  it('lets the operator allow hosts and ranges, over http too', async () => {
    const allowlist = outboundAllowlistShape.parse('hooks.internal, 10.20.0.0/16,127.0.0.1');
    expect(checkTargetUrl('http://hooks.internal:8080/x', allowlist).hostname).toBe('hooks.internal');
    expect(checkTargetUrl('http://127.0.0.1:9/x', allowlist).port).toBe('9');
    await expect(vetTarget('http://relay.corp/x', allowlist, resolvesTo('10.20.3.4'))).resolves.toMatchObject(
      {
        address: '10.20.3.4',
      },
    );
    await expect(vetTarget('http://relay.corp/x', allowlist, resolvesTo('10.21.3.4'))).rejects.toThrow();
    expect(() => outboundAllowlistShape.parse('10.0.0.0/99')).toThrow(/CIDR/);
  });

  it('accepts at save time a name that does not resolve yet, refuses one that resolves privately', async () => {
    const unresolved: ResolveAll = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await refusalOfTargetUrl('https://later.example.com/x', emptyOutboundAllowlist, unresolved)).toBe(
      undefined,
    );
    expect(
      await refusalOfTargetUrl(
        'https://inside.example.com/x',
        emptyOutboundAllowlist,
        resolvesTo('192.168.1.1'),
      ),
    ).toMatch(/not a public one/);
  });
});

describe('postSignedWebhook', () => {
  let server: Server;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits++;
      request.resume();
      request.on('end', () => response.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  const port = () => (server.address() as AddressInfo).port;
  const deliver = (url: string, allowlist = emptyOutboundAllowlist, resolveAll?: ResolveAll) =>
    postSignedWebhook({
      url,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      webhookId: 'msg_1',
      body: { hello: 'world' },
      allowlist,
      ...(resolveAll ? { resolveAll } : {}),
    });

  it('never connects to a refused address, and says only "delivery failed" with a category', async () => {
    hits = 0;
    const refused = await deliver(`http://127.0.0.1:${port()}/hook`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WebhookDeliveryError);
    expect((refused as WebhookDeliveryError).message).toBe(
      'delivery failed: the target address is not allowed',
    );
    // A name that resolves to loopback after it was saved is refused at send time too.
    const rebound = await deliver(
      `https://hooks.example.com:${port()}/hook`,
      emptyOutboundAllowlist,
      resolvesTo('127.0.0.1'),
    ).catch((error: unknown) => error);
    expect((rebound as WebhookDeliveryError).category).toBe('target_not_allowed');
    expect(hits).toBe(0);
  });

  it('connects to the address it checked, not to a second resolution', async () => {
    hits = 0;
    // The name exists nowhere but in this resolver: the request can only reach the server through it.
    const allowlist = outboundAllowlistShape.parse('127.0.0.1');
    await deliver(`http://receiver.invalid:${port()}/hook`, allowlist, resolvesTo('127.0.0.1'));
    expect(hits).toBe(1);
  });

  it('keeps the network detail out of the message users see', async () => {
    const allowlist = outboundAllowlistShape.parse('127.0.0.1');
    const failed = (await deliver('http://127.0.0.1:9/closed', allowlist).catch(
      (error: unknown) => error,
    )) as WebhookDeliveryError;
    expect(failed.message).toBe('delivery failed: the receiver could not be reached');
    expect(failed.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:9/);
    expect(failed.detail).toMatch(/ECONNREFUSED/);
  });
});
