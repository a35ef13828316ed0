/**
 * How a failed command ends: one `streamscore: <CODE>: <message>` line on stderr and an exit code
 * a supervisor or script can act on. A StreamscoreError's message says what to fix; any other
 * error is a bug (INTERNAL), whose stack trace is printed only at `--log-level debug`.
 *
 * A message of several lines (TOPOLOGY_INVALID lists every problem of the file) keeps the code
 * on its first line; each further line is indented by two spaces, so `grep '^streamscore:'`
 * finds exactly one line per failure.
 */
import { CommanderError } from 'commander';
import { inspect } from 'node:util';
import { isInputError, isStreamscoreError, StreamscoreError, type ErrorCode } from '../errors.js';

/** Exit codes of a command that could not do its job (run's shutdown codes are in graceful-shutdown). */
export const FAILURE_EXIT_CODE = {
  /** Fix the environment (start the broker, free the port) and run it again. */
  environment: 1,
  /** Fix what the command was given (arguments, topology, model, profile, data): retrying fails alike. */
  input: 2,
} as const;

export interface CliFailure {
  readonly code: ErrorCode;
  /** What stderr gets: the `streamscore: CODE: …` line (and the message's further lines). */
  readonly text: string;
  readonly exitCode: number;
}

/** `scheme://user:password@host` → `scheme://[redacted]@host`, for messages that quote a URL. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;

/** Removes credentials that a URL in the message may carry (a Redis or webhook URL). */
export function withoutUrlCredentials(message: string): string {
  return message.replace(URL_CREDENTIALS, '$1[redacted]@');
}

export interface DescribeOptions {
  /** Print the stack trace (and causes) above the line: `--log-level debug`. */
  readonly debug?: boolean;
  /** What failed, when a command checks several (a file): put first unless the message starts so. */
  readonly subject?: string;
}

/** The one line (and its continuation lines) for a failure; `debug` adds the stack trace above. */
export function describeCliFailure(error: unknown, options: DescribeOptions = {}): CliFailure {
  const known = isStreamscoreError(error) ? error : undefined;
  const code: ErrorCode = known?.code ?? 'INTERNAL';
  const raw =
    known?.message ?? `${errorMessage(error)} (run with --log-level debug for the stack trace)`;
  const [first = '', ...rest] = withoutUrlCredentials(raw).split('\n');
  const { subject } = options;
  const about = subject === undefined || first.startsWith(subject) ? '' : `${subject}: `;
  const lines = [
    `streamscore: ${code}: ${about}${first}`,
    ...rest.filter((line) => line.trim() !== '').map((line) => `  ${line.trimStart()}`),
  ];
  const trace = options.debug ? `${withoutUrlCredentials(inspect(error, { depth: 6 }))}\n` : '';
  return {
    code,
    text: `${trace}${lines.join('\n')}\n`,
    exitCode:
      known !== undefined && isInputError(known)
        ? FAILURE_EXIT_CODE.input
        : FAILURE_EXIT_CODE.environment,
  };
}

/**
 * Commander's own errors as USAGE (unknown option, missing argument, invalid value), or
 * undefined for its ends that are not failures (`--help`, `--version`).
 */
export function usageError(
  error: CommanderError,
  commandPath: string,
): StreamscoreError | undefined {
  if (error.exitCode === 0) return undefined;
  // Commander printed the help because no command was given.
  if (error.code === 'commander.help') {
    return new StreamscoreError('USAGE', `a command is required (see \`${commandPath} --help\`)`);
  }
  const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
  const message = [`${first} (see \`${commandPath} --help\`)`, ...rest].join('\n');
  return new StreamscoreError('USAGE', message, { cause: error });
}

export function isCommanderError(error: unknown): error is CommanderError {
  return error instanceof CommanderError;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  return String(error);
}
