// The baseline: plain node:http, no framework, no storage. It reads each POST /c body and answers 204,
// so the ratio Spoor/bare shows what validation, consent, visits and a durable commit cost.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? process.env['PORT'] ?? 0);

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const status =
      request.method === 'POST' && request.url === '/c' && body.length > 0
        ? 204
        : request.url === '/healthz'
          ? 200
          : 404;
    response.writeHead(status, { 'access-control-allow-origin': request.headers.origin ?? '*' });
    response.end();
  });
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
