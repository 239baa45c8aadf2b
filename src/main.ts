// Wiring only: runs Spoor (src/server.ts). A start-up failure is one line (src/start-up-failure.ts) and
// exit code 1: JSON like every log line, plain text when a person is watching the terminal. A crash
// later on is one JSON line too (with its stack), and exit code 1.
import { jsonLogLine } from './lib/logger.ts';
import { runServer } from './server.ts';
import { startupFailureMessage } from './start-up-failure.ts';

// Node's own warnings (deprecations, experimental features) would be plain text on stderr: logged as
// JSON instead, like every other line.
process.removeAllListeners('warning');
process.on('warning', (warning) =>
  process.stderr.write(
    jsonLogLine('warn', `${warning.name}: ${warning.message}`, {
      ...('code' in warning ? { code: (warning as { code?: unknown }).code } : {}),
    }),
  ),
);

process.on('uncaughtException', (thrown: unknown) => {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  process.stderr.write(
    jsonLogLine('fatal', `Spoor stopped on an unexpected error: ${error.message}`, {
      err: { type: error.name, message: error.message, stack: error.stack },
    }),
  );
  process.exit(1);
});

runServer().catch((error: unknown) => {
  const message = startupFailureMessage(error);
  process.stderr.write(process.stderr.isTTY ? `${message}\n` : jsonLogLine('fatal', message));
  process.exit(1);
});
