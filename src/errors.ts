/**
 * The one error catalogue of streamscore. Every error the engine raises on purpose is a
 * `StreamscoreError` with a stable `code`, a `retriable` flag and the context (topic,
 * partition, offset, file, path...) that makes a log line or a DLQ header explain itself.
 */

export type ErrorCode =
  /** The command line is wrong: an unknown option, a missing argument or setting. */
  | 'USAGE'
  /** A topology file is missing, unparsable or invalid. */
  | 'TOPOLOGY_INVALID'
  /** A tool the local stack needs (java, mvn, redis-server) is not installed. */
  | 'DEPENDENCY_MISSING'
  /** A local-stack process failed to start, answer or stop. */
  | 'STACK_FAILED'
  /** A model file or manifest is missing, corrupt or disagrees with the topology. */
  | 'MODEL_INVALID'
  /** A topic the topology names does not exist on the cluster. */
  | 'TOPIC_MISSING'
  /** No Kafka broker answered (or accepted the connection's TLS/SASL) within the wait. */
  | 'BROKER_UNREACHABLE'
  /** The cluster refused to create a topic (replication factor above the broker count, ACLs...). */
  | 'TOPIC_CREATE_FAILED'
  /** Records could not be written with acks=all (no leader, not authorised, the broker gone). */
  | 'PRODUCE_FAILED'
  /** The admin server cannot listen on its host and port (taken, privileged, not local). */
  | 'PORT_UNAVAILABLE'
  /** A drift reference profile is unreadable, invalid, or built for another feature spec or model. */
  | 'PROFILE_INVALID'
  /** An offline data file (JSON Lines) is missing or unreadable. */
  | 'DATA_INVALID'
  /** A drift alert sink could not be set up (its topic could not be created or checked). */
  | 'ALERT_SINK_FAILED'
  /** A record on the scored topic the drift side stream cannot read (no value, not JSON). */
  | 'SCORED_RECORD_INVALID'
  /** The drift state store (Redis) failed or could not be reached; retried. */
  | 'STATE_UNAVAILABLE'
  /** Drift counters in the state store do not fit the reference profile they are keyed by. */
  | 'STATE_INVALID'
  /** A failure streamscore has no code for: a bug (its stack trace shows at `--log-level debug`). */
  | 'INTERNAL';

export type ErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

export class StreamscoreError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: ErrorContext;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retriable?: boolean; context?: ErrorContext; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StreamscoreError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

export function isStreamscoreError(error: unknown): error is StreamscoreError {
  return error instanceof StreamscoreError;
}

/**
 * Codes whose fix is in what the command was given (its arguments, topology, model, profile or
 * data file): running it again unchanged fails the same way, so a supervisor should not retry.
 * The CLI exits 2 for these and 1 for the rest (an unreachable broker, a missing topic, a taken
 * port), which may succeed once the environment is fixed.
 */
const INPUT_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'USAGE',
  'TOPOLOGY_INVALID',
  'MODEL_INVALID',
  'PROFILE_INVALID',
  'DATA_INVALID',
]);

export function isInputError(error: StreamscoreError): boolean {
  return INPUT_ERROR_CODES.has(error.code);
}
