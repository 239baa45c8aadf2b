// Fastify 5 with one route and nothing else: reads the POST /c body as text, parses the JSON, answers
// 204. Beside the bare node:http server it shows what the framework itself costs (bench/light-load.ts).
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = Fastify();
app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
app.post('/c', async (request, reply) => {
  JSON.parse(request.body as string);
  return reply.code(204).send();
});
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ port, host: '127.0.0.1' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
