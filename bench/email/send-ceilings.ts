// What bounds the sending benchmark on this machine, measured in the same run as Spoor: the loopback
// sink's own ceiling (a minimal SMTP client that pipelines pre-encoded messages, so nearly all the CPU
// is the sink's) and bare nodemailer's (the same pooled transport Spoor uses sending one pre-rendered
// email of the same size again and again: no database, no rendering, no sealing).
import { connect } from 'node:net';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { type DkimKey, dkimSigningStream } from '../../src/email/sends/dkim.ts';

export interface CeilingResult {
  messages: number;
  connections: number;
  messagesPerSecond: number;
  /** CPU of the sending process per message (user + system), µs. */
  senderCpuMicros: number;
  /** CPU of the sink process per message, µs. */
  sinkCpuMicros: number;
}

export interface SinkHandle {
  port: number;
  /** Messages received so far and the sink process's CPU (µs, user + system). */
  stats(): Promise<{ received: number; cpuMicros: number }>;
}

async function waitForCount(sink: SinkHandle, count: number): Promise<void> {
  for (;;) {
    if ((await sink.stats()).received >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** One connection of the minimal client: EHLO, then MAIL/RCPT/DATA pipelined, the body, the dot. */
function rawConnection(port: number, body: Buffer, take: () => number | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let buffered = '';
    // Replies still expected before the next step: greeting, EHLO, then per message 250 250 354 | 250.
    let phase: 'greeting' | 'ehlo' | 'envelope' | 'data' | 'quit' = 'greeting';
    let envelopeReplies = 0;
    const next = () => {
      const index = take();
      if (index === undefined) {
        phase = 'quit';
        socket.end('QUIT\r\n');
        return;
      }
      phase = 'envelope';
      envelopeReplies = 0;
      socket.write(`MAIL FROM:<news@bench.example>\r\nRCPT TO:<reader${index}@bench.example>\r\nDATA\r\n`);
    };
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let at = buffered.indexOf('\r\n'); at >= 0; at = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 2);
        if (line[3] === '-') continue; // a multi-line reply goes on
        if (!/^[23]/.test(line)) {
          reject(new Error(`sink answered ${line}`));
          socket.destroy();
          return;
        }
        if (phase === 'greeting') {
          phase = 'ehlo';
          socket.write('EHLO bench.example\r\n');
        } else if (phase === 'ehlo') next();
        else if (phase === 'envelope') {
          envelopeReplies += 1;
          if (envelopeReplies === 3) {
            phase = 'data';
            socket.write(body);
          }
        } else if (phase === 'data') next();
      }
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

/** The sink's ceiling: `messages` of `body` (a whole message, dot-stuffed, ending CRLF.CRLF). */
export async function rawSinkCeiling(
  sink: SinkHandle,
  body: Buffer,
  messages: number,
  connections: number,
): Promise<CeilingResult> {
  const before = await sink.stats();
  let issued = 0;
  const take = () => (issued < messages ? issued++ : undefined);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, () => rawConnection(sink.port, body, take)));
  await waitForCount(sink, before.received + messages);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const after = await sink.stats();
  return {
    messages,
    connections,
    messagesPerSecond: Math.round(messages / seconds),
    senderCpuMicros: Math.round((used.user + used.system) / messages),
    sinkCpuMicros: Math.round((after.cpuMicros - before.cpuMicros) / messages),
  };
}

/**
 * Bare nodemailer: the pooled transport with Spoor's settings sending `mail` (only the recipient and
 * Message-ID change) `messages` times, a window of two per connection, optionally DKIM-signed the way
 * Spoor signs.
 */
export async function bareNodemailerCeiling(
  sink: SinkHandle,
  mail: SendMailOptions,
  messages: number,
  connections: number,
  dkim?: DkimKey,
): Promise<CeilingResult> {
  const transporter = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
    maxRequeues: 0,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  if (dkim)
    transporter.use('stream', (composed, done) => {
      composed.message.processFunc((input) => dkimSigningStream(input, dkim));
      done();
    });
  try {
    const before = await sink.stats();
    let issued = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const worker = async () => {
      while (issued < messages) {
        const index = issued++;
        await transporter.sendMail({
          ...mail,
          to: `reader${index}@bench.example`,
          messageId: `<${index}.bare@bench.example>`,
        });
      }
    };
    await Promise.all(Array.from({ length: connections * 2 }, worker));
    await waitForCount(sink, before.received + messages);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const after = await sink.stats();
    return {
      messages,
      connections,
      messagesPerSecond: Math.round(messages / seconds),
      senderCpuMicros: Math.round((used.user + used.system) / messages),
      sinkCpuMicros: Math.round((after.cpuMicros - before.cpuMicros) / messages),
    };
  } finally {
    transporter.close();
  }
}
