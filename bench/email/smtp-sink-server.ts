// The loopback SMTP sink of the sending benchmark, in its own process so that its CPU is not counted
// against Spoor's event loop (on two cores, a sink in the sender's process halves what is measured).
// It accepts every message and only counts it (no parsing: the sender is measured). An HTTP side port
// answers /healthz and /count (messages received so far), which is how the bench reads it.
// Usage: node --import tsx bench/email/smtp-sink-server.ts <http port> <smtp port>
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

const httpPort = Number(process.argv[2] ?? 0);
const smtpPort = Number(process.argv[3] ?? 0);
let received = 0;
let bytes = 0;

const smtp = new SMTPServer({
  logger: false,
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  // Enough for every connection the bench opens (smtp-server's default is 100).
  maxClients: 1000,
  onData(stream, _session, callback) {
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      received += 1;
      callback(null, 'OK');
    });
  },
});

const http = createServer((request, response) => {
  if (request.url === '/count') {
    response.writeHead(200, { 'content-type': 'application/json' });
    const cpu = process.cpuUsage();
    response.end(JSON.stringify({ received, bytes, cpuMicros: cpu.user + cpu.system }));
    return;
  }
  response.writeHead(request.url === '/healthz' ? 200 : 404);
  response.end();
});

smtp.listen(smtpPort, '127.0.0.1', () => http.listen(httpPort, '127.0.0.1'));
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    http.close();
    smtp.close(() => process.exit(0));
  });
