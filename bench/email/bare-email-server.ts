// The baseline for the email endpoints: plain node:http, no framework, no storage, no token check.
// It answers GET /e/o/* with the same 43-byte GIF and GET /e/c/* with the same kind of 302 Spoor
// sends, so Spoor/bare shows what verifying, classifying and a durable write cost.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? process.env['PORT'] ?? 0);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

const server = createServer((request, response) => {
  const url = request.url ?? '';
  if (url.startsWith('/e/o/')) {
    response.writeHead(200, {
      'content-type': 'image/gif',
      'content-length': GIF.length,
      'cache-control': 'no-store, no-cache, must-revalidate, max-age=0',
    });
    response.end(GIF);
  } else if (url.startsWith('/e/c/')) {
    response.writeHead(302, {
      location: 'https://www.shop.example/spring-sale?utm_source=email',
      'cache-control': 'no-store',
    });
    response.end();
  } else {
    response.writeHead(url === '/healthz' ? 200 : 404);
    response.end();
  }
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
