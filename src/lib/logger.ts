// What domain code logs through: the app's pino logger (Fastify's), so that every line Spoor writes is
// one JSON object with a time; workers take it as a dependency instead of writing to the console.
import { hostname } from 'node:os';
export interface Logger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Pino's numeric levels, for the few lines written before (or without) the app's logger. */
const LEVELS = { info: 30, warn: 40, error: 50, fatal: 60 } as const;

/**
 * One line in pino's shape ({"level":…,"time":…,"pid":…,"hostname":…,"msg":…}) written straight to a stream: for
 * start-up failures, which happen before there is a logger, and the start banner.
 */
export function jsonLogLine(level: keyof typeof LEVELS, message: string, details: object = {}): string {
  return `${JSON.stringify({ level: LEVELS[level], time: Date.now(), pid: process.pid, hostname: hostname(), ...details, msg: message })}\n`;
}

/** A logger without an app (the bench's send worker): the same JSON lines, on stderr. */
export const stderrLogger: Logger = {
  info: (details, message) => process.stderr.write(jsonLogLine('info', message, details)),
  warn: (details, message) => process.stderr.write(jsonLogLine('warn', message, details)),
  error: (details, message) => process.stderr.write(jsonLogLine('error', message, details)),
};
