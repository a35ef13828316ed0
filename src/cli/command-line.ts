/**
 * What every command shares: `--version`, the global `--log-level`, and how a command ends when
 * it fails (one `streamscore: CODE: message` line and its exit code, see cli-failure.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { describeCliFailure, isCommanderError, usageError } from './cli-failure.js';

const LOG_LEVELS: readonly LevelWithSilent[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
];

/**
 * Sets up `program` before its commands are registered: subcommands copy these settings from
 * their parent when they are created.
 */
export function configureCommandLine(program: Command): Command {
  return (
    program
      .version(packageVersion(), '-V, --version', 'print the streamscore version')
      .addOption(
        new Option(
          '--log-level <level>',
          'log level of the engine (overrides the topology’s observability.logLevel); debug also prints the stack trace of a failure',
        ).choices(LOG_LEVELS),
      )
      // Commander's own errors become one USAGE line like every other failure (see runCommandLine).
      .configureOutput({ outputError: () => undefined })
      .exitOverride()
  );
}

/** The `--log-level` given on the command line, if any (before or after the command name). */
export function chosenLogLevel(command: Command): LevelWithSilent | undefined {
  return (command.optsWithGlobals() as { logLevel?: LevelWithSilent }).logLevel;
}

/** `--log-level debug` (or trace): failures print their stack trace. */
export function wantsStackTraces(command: Command): boolean {
  const level = chosenLogLevel(command);
  return level === 'debug' || level === 'trace';
}

/**
 * Parses `argv` and runs the command. On failure prints its one line and exits with its code at
 * once: a half-started service (kafkajs retry timers, a worker thread) must not keep the process.
 */
export async function runCommandLine(program: Command, argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync([...argv]);
  } catch (caught) {
    let error: unknown = caught;
    if (isCommanderError(caught)) {
      const usage = usageError(caught, commandPath(program, argv.slice(2)));
      // --help and --version end here, having printed what they were asked for.
      if (usage === undefined) return;
      error = usage;
    }
    const failure = describeCliFailure(error, { debug: wantsStackTraces(program) });
    process.stderr.write(failure.text);
    process.exit(failure.exitCode);
  }
}

/** `streamscore dev broker` for `['dev', 'broker', 'stop']`: the command whose help to point at. */
function commandPath(program: Command, args: readonly string[]): string {
  const names = [program.name()];
  let current = program;
  for (const arg of args) {
    if (current.commands.length === 0) break;
    const next = current.commands.find(
      (command) => command.name() === arg || command.aliases().includes(arg),
    );
    if (next === undefined) continue;
    names.push(next.name());
    current = next;
  }
  return names.join(' ');
}

/** The `version` of package.json: two directories up from this file in src/, three in dist/src/. */
function packageVersion(): string {
  const inSource = new URL('../../package.json', import.meta.url);
  const file = existsSync(inSource) ? inSource : new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
