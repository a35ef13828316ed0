import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  describeCliFailure,
  FAILURE_EXIT_CODE,
  usageError,
  withoutUrlCredentials,
} from '../../../src/cli/cli-failure.js';
import { StreamscoreError, type ErrorCode } from '../../../src/errors.js';
import { TopologyValidationError } from '../../../src/topology/index.js';

describe('describeCliFailure', () => {
  it('prints a StreamscoreError as one `streamscore: CODE: message` line', () => {
    const failure = describeCliFailure(
      new StreamscoreError('TOPIC_MISSING', 'topic t not found on b:9092: create it'),
    );
    expect(failure).toEqual({
      code: 'TOPIC_MISSING',
      text: 'streamscore: TOPIC_MISSING: topic t not found on b:9092: create it\n',
      exitCode: 1,
    });
  });

  it.each<[ErrorCode, number]>([
    ['USAGE', 2],
    ['TOPOLOGY_INVALID', 2],
    ['MODEL_INVALID', 2],
    ['PROFILE_INVALID', 2],
    ['DATA_INVALID', 2],
    ['BROKER_UNREACHABLE', 1],
    ['TOPIC_MISSING', 1],
    ['PORT_UNAVAILABLE', 1],
    ['STATE_UNAVAILABLE', 1],
    ['STACK_FAILED', 1],
  ])('exits %s with %i', (code, exitCode) => {
    expect(describeCliFailure(new StreamscoreError(code, 'x')).exitCode).toBe(exitCode);
  });

  it('prints any other error as INTERNAL, exit 1, pointing at --log-level debug', () => {
    const failure = describeCliFailure(new TypeError('cannot read properties of undefined'));
    expect(failure.code).toBe('INTERNAL');
    expect(failure.exitCode).toBe(FAILURE_EXIT_CODE.environment);
    expect(failure.text).toBe(
      'streamscore: INTERNAL: cannot read properties of undefined (run with --log-level debug for the stack trace)\n',
    );
  });

  it('names a thrown non-error and an error without a message', () => {
    expect(describeCliFailure('boom').text).toMatch(/^streamscore: INTERNAL: boom \(/);
    expect(describeCliFailure(new RangeError('')).text).toMatch(
      /^streamscore: INTERNAL: RangeError \(/,
    );
  });

  it('shows no stack trace unless debug, then the trace and causes above the line', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const error = new StreamscoreError('BROKER_UNREACHABLE', 'cannot connect', { cause });
    expect(describeCliFailure(error).text).not.toContain('    at ');
    const debug = describeCliFailure(error, { debug: true }).text;
    expect(debug).toContain('    at ');
    expect(debug).toContain('connect ECONNREFUSED 127.0.0.1:1');
    expect(debug.trimEnd().split('\n').at(-1)).toBe(
      'streamscore: BROKER_UNREACHABLE: cannot connect',
    );
  });

  it('keeps further lines of a multi-line message, indented under the coded line', () => {
    const error = new TopologyValidationError('t.yaml', [
      { path: 'name', message: 'expected text' },
      { path: 'batching.maxDelayMs', message: 'expected a number >= 0', line: 9, column: 3 },
    ]);
    expect(describeCliFailure(error).text).toBe(
      'streamscore: TOPOLOGY_INVALID: t.yaml: name: expected text\n' +
        '  t.yaml: batching.maxDelayMs: expected a number >= 0 (line 9, column 3)\n',
    );
    const manifest = new StreamscoreError('MODEL_INVALID', 'invalid (2 problems):\n  a\n  b');
    expect(describeCliFailure(manifest).text).toBe(
      'streamscore: MODEL_INVALID: invalid (2 problems):\n  a\n  b\n',
    );
  });

  it('puts the subject first unless the message starts with it', () => {
    const missing = new StreamscoreError('MODEL_INVALID', 'no model "m" in the registry');
    expect(describeCliFailure(missing, { subject: 'a.yaml' }).text).toBe(
      'streamscore: MODEL_INVALID: a.yaml: no model "m" in the registry\n',
    );
    const located = new StreamscoreError('MODEL_INVALID', 'a.yaml builds 3 feature columns');
    expect(describeCliFailure(located, { subject: 'a.yaml' }).text).toBe(
      'streamscore: MODEL_INVALID: a.yaml builds 3 feature columns\n',
    );
  });

  it('drops credentials of URLs in the message and in the debug trace', () => {
    const error = new Error('cannot reach redis://user:s3cret@redis:6379/0 or https://:tok@hook');
    const { text } = describeCliFailure(error, { debug: true });
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('tok@');
    expect(text).toContain('redis://[redacted]@redis:6379/0');
  });
});

describe('withoutUrlCredentials', () => {
  it('leaves URLs without credentials and e-mail-like text alone', () => {
    expect(withoutUrlCredentials('redis://127.0.0.1:6379/ ops@example.com')).toBe(
      'redis://127.0.0.1:6379/ ops@example.com',
    );
  });
});

describe('usageError', () => {
  it('turns a commander error into USAGE pointing at the command’s help', () => {
    const error = usageError(
      new CommanderError(1, 'commander.unknownOption', "error: unknown option '--bogus'"),
      'streamscore run',
    );
    expect(error?.code).toBe('USAGE');
    expect(describeCliFailure(error).text).toBe(
      "streamscore: USAGE: unknown option '--bogus' (see `streamscore run --help`)\n",
    );
    expect(describeCliFailure(error).exitCode).toBe(2);
  });

  it('keeps commander’s suggestion on a line of its own', () => {
    const error = usageError(
      new CommanderError(
        1,
        'commander.unknownCommand',
        "error: unknown command 'brokr'\n(Did you mean broker?)",
      ),
      'streamscore dev',
    );
    expect(describeCliFailure(error).text).toBe(
      "streamscore: USAGE: unknown command 'brokr' (see `streamscore dev --help`)\n" +
        '  (Did you mean broker?)\n',
    );
  });

  it('says a command is required when commander printed the help for want of one', () => {
    const error = usageError(
      new CommanderError(1, 'commander.help', '(outputHelp)'),
      'streamscore',
    );
    expect(error?.message).toBe('a command is required (see `streamscore --help`)');
  });

  it('is undefined for --help and --version, which end well', () => {
    expect(usageError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), 'x')).toBe(
      undefined,
    );
    expect(usageError(new CommanderError(0, 'commander.version', '0.1.0'), 'x')).toBe(undefined);
  });
});
