#!/usr/bin/env node
// spoor: the command line (package.json "bin"). Each command answers --help without touching a
// database; commands other than start never create one (src/cli/database.ts).
import { readFileSync } from 'node:fs';
import { apiKeysCreate, apiKeysGroupHelp, apiKeysList, apiKeysRevoke } from './cli/api-keys-commands.ts';
import { asksForHelp, CliError, type Command, parseCommandArgs } from './cli/command.ts';
import { doctor } from './cli/doctor.ts';
import { importCsv } from './cli/import-command.ts';
import { migrate, retireSealKey, rotateSealKey, rotateTokenKey, start } from './cli/server-commands.ts';
import {
  usersCreate,
  usersDisable,
  usersEnable,
  usersGroupHelp,
  usersList,
  usersReset,
} from './cli/users-commands.ts';
import { ConfigError } from './config.ts';

const COMMANDS: Command[] = [
  start,
  migrate,
  apiKeysList,
  apiKeysCreate,
  apiKeysRevoke,
  usersList,
  usersCreate,
  usersDisable,
  usersEnable,
  usersReset,
  rotateSealKey,
  rotateTokenKey,
  retireSealKey,
  doctor,
  importCsv,
];

const HELP = `Usage: spoor <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(18)} ${command.summary}`).join('\n')}

Settings come from the environment, as for the server (docs/configuration.md); DATABASE_URL names
the database every command works on. Run "spoor <command> --help" for a command's options.
Documentation: docs/cli.md.`;

function version(): string {
  const manifest = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Finds the command the arguments name (one or two words) and the arguments left for it. */
function resolve(args: string[]): { command?: Command; rest: string[]; help?: string } {
  const [first, second] = args;
  if (first === 'api-keys') {
    const command = COMMANDS.find((c) => c.name === `api-keys ${second}`);
    if (command) return { command, rest: args.slice(2) };
    return { rest: args.slice(1), help: apiKeysGroupHelp };
  }
  if (first === 'users') {
    const command = COMMANDS.find((c) => c.name === `users ${second}`);
    if (command) return { command, rest: args.slice(2) };
    return { rest: args.slice(1), help: usersGroupHelp };
  }
  const command = COMMANDS.find((c) => c.name === first);
  return command ? { command, rest: args.slice(1) } : { rest: args };
}

async function main(args: string[]): Promise<number> {
  const [first] = args;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? console.error : console.log)(HELP);
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    console.log(version());
    return 0;
  }
  const { command, rest, help } = resolve(args);
  if (!command) {
    if (help) {
      const asked = asksForHelp(rest) || rest.length === 0;
      if (asked && rest.length <= 1) {
        (rest.length === 0 ? console.error : console.log)(help);
        return rest.length === 0 ? 2 : 0;
      }
      console.error(`spoor ${first}: unknown command "${rest[0]}".\n\n${help}`);
      return 2;
    }
    console.error(`spoor: unknown command "${first}".\n\n${HELP}`);
    return 2;
  }
  if (asksForHelp(rest)) {
    console.log(command.help);
    return 0;
  }
  const { values, positionals } = parseCommandArgs(command, rest);
  return command.run(values, positionals);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(error.message);
      process.exitCode = error.exitCode;
    } else if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exitCode = 1;
    } else {
      console.error(error instanceof Error ? `spoor: ${error.message}` : error);
      process.exitCode = 1;
    }
  },
);
