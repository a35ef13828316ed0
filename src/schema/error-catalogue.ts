/**
 * The catalogue of docs/errors.md, generated so that it cannot drift from the code: every
 * `ErrorCode` with the doc comment it carries in src/errors.ts, the exit code the CLI gives it
 * (`isInputError`), and how to fix it; then every dead-letter reason with what it means.
 *
 * The meaning of a code lives in one place, its doc comment, so it is read from the source text
 * at generation time. The tables below are typed by the unions themselves: the compiler refuses
 * a code or a dead-letter reason without an entry, and the generator refuses a code whose doc
 * comment is missing.
 */
import { isInputError, StreamscoreError, type ErrorCode } from '../errors.js';
import type { DeadLetterReason } from '../io/index.js';

/** Where the `ErrorCode` union and its doc comments are, relative to the repository root. */
export const ERRORS_SOURCE_FILE = 'src/errors.ts';

/** What to change so that the command succeeds, per code. */
const ERROR_FIXES: Readonly<Record<ErrorCode, string>> = Object.freeze({
  USAGE: '`streamscore <command> --help`',
  TOPOLOGY_INVALID: 'editing the file (`streamscore validate`)',
  DEPENDENCY_MISSING: 'running the install commands the message lists (or `scripts/bootstrap.sh`)',
  STACK_FAILED: 'what the message names (a port in use, the Kafka jars’ download), then `dev up`',
  MODEL_INVALID: '`streamscore model add`, restoring the file, the topology’s `model.*`',
  TOPIC_MISSING: '`streamscore topics create <topology>`',
  BROKER_UNREACHABLE: 'starting the cluster or fixing `kafka.brokers` (`streamscore dev up`)',
  TOPIC_CREATE_FAILED: 'a `--replication-factor` the cluster can hold, or its ACLs',
  PRODUCE_FAILED: 'the cluster (leaders, ACLs, the broker), then sending again',
  PORT_UNAVAILABLE: 'another port (`observability.httpPort`, `--http-port`; 0 picks a free one)',
  PROFILE_INVALID: '`streamscore profile`',
  DATA_INVALID: 'the file the message names, at the line it names',
  ALERT_SINK_FAILED: '`streamscore topics create <topology>` (drift’s topics too), or the ACLs',
  SCORED_RECORD_INVALID:
    'the writer of the scored topic; drift skips, logs and counts the record (never an exit)',
  STATE_UNAVAILABLE: 'starting Redis or fixing `drift.redisUrl`',
  STATE_INVALID:
    'another writer under `streamscore:drift:<name>:`: a topology `name` or a Redis of its own',
  INTERNAL: 'rerunning with `--log-level debug` and reporting the stack trace',
});

/** What each `streamscore.error.class` of a dead letter means. */
const DEAD_LETTER_MEANINGS: Readonly<Record<DeadLetterReason, string>> = Object.freeze({
  RECORD_TOO_LARGE: 'the record exceeds `input.maxRecordBytes`; it is not decoded',
  DECODE_FAILED:
    'not valid JSON, not a JSON object, invalid UTF-8, nested deeper than 64 levels, or no value (tombstone)',
  FEATURE_MISSING: 'a field without `default` is absent or null',
  FEATURE_INVALID:
    'a field has the wrong type, a non-finite number without `default`, or a transform leaves the reals (`log1p(-2)`)',
  FEATURE_UNKNOWN_CATEGORY:
    'a category outside the vocabulary of a feature declared `unknown: dead-letter`',
  INFERENCE_FAILED: 'the model failed on the batch holding the event',
  ENCODE_FAILED: 'the scored event could not be encoded (e.g. a value JSON cannot represent)',
  OUTPUT_TOO_LARGE: 'the scored record is larger than the output topic’s `max.message.bytes`',
});

/** Every error code, in catalogue order. */
export const ERROR_CODES = Object.freeze(Object.keys(ERROR_FIXES) as ErrorCode[]);
/** Every dead-letter reason, in catalogue order. */
export const DEAD_LETTER_REASONS = Object.freeze(
  Object.keys(DEAD_LETTER_MEANINGS) as DeadLetterReason[],
);

/** The exit code of a command that fails with `code`: 2 when the fix is in what it was given. */
export function exitCodeOf(code: ErrorCode): 1 | 2 {
  return isInputError(new StreamscoreError(code, code)) ? 2 : 1;
}

/**
 * The doc comment of every member of `export type ErrorCode = …;` in `source` (the text of
 * src/errors.ts), in source order. Throws when the union is not found or a member has no doc
 * comment: the catalogue would otherwise lose it silently.
 */
export function errorCodeDocs(source: string): Map<string, string> {
  const head = /export type ErrorCode =/.exec(source);
  if (head === null) throw new Error('no `export type ErrorCode = …;` in the source');
  // Member by member from the `=`, so that a `;` or a quote inside a doc comment cannot end
  // the union early: an optional doc comment, an optional `|`, the quoted code.
  const member = /\s*(?:\/\*\*([\s\S]*?)\*\/)?\s*\|?\s*'([A-Z_]+)'/y;
  let position = head.index + head[0].length;
  const docs = new Map<string, string>();
  for (;;) {
    member.lastIndex = position;
    const match = member.exec(source);
    if (match === null) break;
    const [, comment, code] = match as unknown as [string, string | undefined, string];
    if (comment === undefined) throw new Error(`ErrorCode '${code}' has no doc comment`);
    docs.set(code, comment.replace(/\s*\n\s*\*?\s*/g, ' ').trim());
    position = member.lastIndex;
  }
  if (docs.size === 0 || !/^\s*;/.test(source.slice(position))) {
    throw new Error(`the ErrorCode union does not end after '${[...docs.keys()].at(-1)}'`);
  }
  return docs;
}

/** The catalogue's tables, from the text of src/errors.ts. */
export function errorCatalogueMarkdown(errorsSource: string): string {
  const docs = errorCodeDocs(errorsSource);
  const known = new Set<string>(ERROR_CODES);
  for (const code of docs.keys()) {
    if (!known.has(code)) throw new Error(`ErrorCode '${code}' has no fix in the catalogue`);
  }
  const codeRows = [...docs.keys()].map((name) => {
    const code = name as ErrorCode;
    return `| \`${code}\` | ${exitCodeOf(code)} | ${cell(docs.get(code) as string)} | ${cell(ERROR_FIXES[code])} |`;
  });
  const reasonRows = DEAD_LETTER_REASONS.map(
    (reason) => `| \`${reason}\` | ${cell(DEAD_LETTER_MEANINGS[reason])} |`,
  );
  return [
    '| code | exit | meaning | fix it by |',
    '| --- | --- | --- | --- |',
    ...codeRows,
    '',
    'Dead letters (`streamscore.error.class`):',
    '',
    '| reason | meaning |',
    '| --- | --- |',
    ...reasonRows,
    '',
  ].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
