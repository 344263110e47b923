import Fastify from 'fastify';

/** The ceiling: Fastify on the same machine answering 202 after parsing the JSON body, nothing else. */
const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/v1/sources/:sourceId/events', async (_request, reply) =>
  reply.status(202).send({ accepted: true }),
);
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
