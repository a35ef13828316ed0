/**
 * The topology schema: the single source of truth for what a topology file may say. The types,
 * `schemas/topology.schema.json`, the `validate` command and docs/topology.md's reference
 * all derive from it, so every field carries its description, default and limits here.
 */
import { z } from 'zod';
import { featureSpecsSchema } from '../features/index.js';
import { nonEmpty, text } from '../schema/index.js';

const topicName = () =>
  text(
    nonEmpty()
      .max(249)
      .regex(/^[a-zA-Z0-9._-]+$/, 'a Kafka topic name (letters, digits, ".", "_", "-")'),
  );

const nonNegativeInt = () => z.number().int().min(0);
const positiveInt = () => z.number().int().min(1);

const brokerList = z
  .union([z.array(text(nonEmpty())).min(1), text(nonEmpty())])
  .describe(
    'Bootstrap brokers as host:port, a list or one comma-separated string (handy with ${KAFKA_BROKERS}).',
  );

const tls = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Connect to the brokers over TLS.'),
    caFile: text(nonEmpty().optional()).describe(
      'PEM file of the CA that signed the brokers’ certificates.',
    ),
    certFile: text(nonEmpty().optional()).describe('PEM client certificate, for mutual TLS.'),
    keyFile: text(nonEmpty().optional()).describe('PEM client private key, for mutual TLS.'),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe('Verify the brokers’ certificates. Turn off only for local experiments.'),
  })
  .describe('TLS settings. Omit for PLAINTEXT.');

const sasl = z
  .strictObject({
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).describe('SASL mechanism.'),
    username: text(nonEmpty()).describe('SASL user name.'),
    password: text(nonEmpty()).describe(
      'SASL password. Must come from the environment (`${VAR}`); a literal is rejected.',
    ),
  })
  .describe('SASL authentication. Omit when the cluster needs none.');

const kafka = z
  .strictObject({
    brokers: brokerList,
    clientId: text(nonEmpty().default('streamscore')).describe(
      'Kafka client id, shown in broker logs.',
    ),
    client: z
      .enum(['platformatic', 'kafkajs'])
      .default('platformatic')
      .describe(
        'Kafka client of the scoring path (the input consumer and the output and dead-letter producer): `platformatic` (@platformatic/kafka: maintained; 1.25–1.6× the events/s of kafkajs in the bench, at less CPU per event), or `kafkajs`. Topic administration and the drift stream use kafkajs either way. See docs/operations.md, "Choosing the Kafka client".',
      ),
    tls: tls.optional(),
    sasl: sasl.optional(),
    connectTimeoutMs: positiveInt()
      .default(10_000)
      .describe(
        'How long start-up waits for a broker to answer before failing with BROKER_UNREACHABLE.',
      ),
  })
  .describe('How to reach the Kafka cluster.');

const eventFormat = z
  .enum(['json'])
  .default('json')
  .describe('Wire format of the events. `json` today; Avro with a schema registry comes next.');

const input = z
  .strictObject({
    topic: topicName().describe('Topic the events are read from.'),
    groupId: text(nonEmpty()).describe('Consumer group of the scoring processors.'),
    format: eventFormat,
    maxRecordBytes: positiveInt()
      .default(1_048_576)
      .describe('Records larger than this go to the dead-letter topic undecoded.'),
    fromBeginning: z
      .boolean()
      .default(false)
      .describe('Where a new consumer group starts: the earliest offset, or only new events.'),
    fetchMaxBytesPerPartition: positiveInt()
      .default(1_048_576)
      .describe(
        'Most bytes one fetch returns per partition (kafkajs `maxBytesPerPartition`); keep `batching.maxQueuedEvents` above one fetch of every assigned partition.',
      ),
    partitionsConsumedConcurrently: positiveInt()
      .default(1)
      .describe(
        'With `kafka.client: kafkajs`: fetched batches of different partitions handed to the pipeline at once (kafkajs `partitionsConsumedConcurrently`). The platformatic consumer fetches every assigned partition at once.',
      ),
  })
  .describe('Where events come from.');

const output = z
  .strictObject({
    topic: topicName().describe('Topic the scored events are written to.'),
    format: eventFormat,
    scoreField: text(nonEmpty().default('score')).describe(
      'Field of the output event that receives the model outputs, model name and version, and the scoring time.',
    ),
  })
  .describe('Where scored events go.');

const deadLetter = z
  .strictObject({
    topic: topicName().describe(
      'Topic for events that cannot be scored: original bytes and headers, plus headers naming the error.',
    ),
  })
  .describe('Where events that cannot be scored go, with the reason.');

const executionProvider = z.enum(['cpu', 'cuda', 'tensorrt']);

const modelOutput = z
  .strictObject({
    name: text(nonEmpty()).describe('Output tensor name in the ONNX model.'),
    field: text(nonEmpty()).describe('Field under `output.scoreField` that receives the value.'),
    column: nonNegativeInt()
      .optional()
      .describe(
        'For a 2-D output [batch, k], the column to take (e.g. 1 for the positive-class probability); omit to take the whole row.',
      ),
  })
  .describe('One model output and where it goes in the scored event.');

const inference = z
  .strictObject({
    mode: z
      .enum(['in-thread', 'worker-threads'])
      .default('in-thread')
      .describe(
        '`in-thread` runs the model on the main thread (fastest for small models); `worker-threads` runs it in a pool so a heavy model cannot stall Kafka I/O.',
      ),
    workers: positiveInt()
      .max(64)
      .default(1)
      .describe('Worker threads (each with its own session) in `worker-threads` mode.'),
    intraOpThreads: nonNegativeInt()
      .default(0)
      .describe(
        'Threads ONNX Runtime may use inside one run; 0 lets it decide (a thread per core), or with `scaling.pipelines` N ≥ 2 gives each pipeline cores / N (at least 1).',
      ),
  })
  .describe('Where and how the model runs.');

const model = z
  .strictObject({
    registry: text(nonEmpty().default('models')).describe(
      'Directory of the model registry, relative to the topology file.',
    ),
    name: text(nonEmpty()).describe('Model name: a directory under the registry.'),
    version: z
      .union([positiveInt(), z.literal('latest')])
      .default('latest')
      .describe('Model version (a directory under the model) or `latest` for the highest.'),
    input: text(nonEmpty()).describe('Name of the ONNX input that receives the feature matrix.'),
    outputs: z.array(modelOutput).min(1).describe('Model outputs written to the scored event.'),
    executionProviders: z
      .array(executionProvider)
      .min(1)
      .default(['cpu'])
      .describe(
        'ONNX Runtime execution providers in order of preference; an unavailable one falls back to the next with a warning.',
      ),
    inference: inference.default(() => inference.parse({})),
  })
  .describe('The model that scores the events.');

const batching = z
  .strictObject({
    maxBatchSize: positiveInt().max(65_536).default(256).describe('A batch closes at this size.'),
    maxDelayMs: z
      .number()
      .min(0)
      .default(5)
      .describe('A batch closes when its first event has waited this long.'),
    preferredBatchSizes: z
      .array(positiveInt())
      .default([])
      .describe(
        'Sizes the session is warmed up with; batches are rounded to them. Each must be ≤ maxBatchSize.',
      ),
    maxQueuedEvents: positiveInt()
      .default(10_000)
      .describe(
        'Bound of the batcher queue; when full, the partitions feeding it pause until it drains. Keep it above one fetch (about 1 MiB per assigned partition of events): a smaller queue pauses mid-fetch and re-reads the rest, which cut backlog throughput to a quarter in the bench.',
      ),
  })
  .describe('Dynamic batching.');

const scaling = z
  .strictObject({
    pipelines: positiveInt()
      .max(64)
      .default(1)
      .describe(
        'Scoring pipelines in one process. 1 scores on the main thread. N ≥ 2 runs N pipelines in worker threads, each with its own consumer in the input group, model session and producer, behind one admin server and one /metrics; use up to one per spare core, and no more than the input partitions (extra pipelines get none). `batching` and `model.inference` apply to each pipeline.',
      ),
  })
  .describe(
    'How one process spreads scoring over cores; more processes in the same group scale further (docs/operations.md, "Scaling").',
  );

const evaluationScope = (windowMs: number, everyMs: number, what: string) =>
  z
    .strictObject({
      windowMs: positiveInt()
        .default(windowMs)
        .describe('Length of the sliding window evaluated; a multiple of `drift.windowMs`.'),
      everyMs: positiveInt()
        .default(everyMs)
        .describe('How often the window is evaluated; a multiple of `drift.windowMs`.'),
    })
    .describe(what);

const fastEvaluation = evaluationScope(
  3_600_000,
  300_000,
  'The fast evaluation: an alert fires after `alerting.fireAfter` breaching of the last `alerting.fireWindow` evaluations.',
);
const slowEvaluation = evaluationScope(
  86_400_000,
  3_600_000,
  'The slow evaluation: catches slow drift; one breaching evaluation fires its alert.',
);

const driftEvaluation = z
  .strictObject({
    fast: fastEvaluation.default(() => fastEvaluation.parse({})),
    slow: slowEvaluation.default(() => slowEvaluation.parse({})),
  })
  .describe(
    'When drift is evaluated: sliding windows over the tumbling count windows, ending on multiples of `everyMs`.',
  );

const share = () => z.number().gt(0).max(1);

const levels = (warning: number, critical: number, what: string) =>
  z
    .strictObject({
      warning: share().default(warning).describe('Level `warning` from this value up.'),
      critical: share().default(critical).describe('Level `critical` from this value up.'),
    })
    .describe(what);

const psiLevels = z
  .strictObject({
    warning: z.number().gt(0).default(0.1).describe('Level `warning` from this PSI up.'),
    critical: z.number().gt(0).default(0.25).describe('Level `critical` from this PSI up.'),
  })
  .describe('Effect size of distribution drift (features, score, label).');
const unseenLevels = levels(
  0.01,
  0.05,
  'Data quality: share of values never seen in the reference (categorical).',
);
const nullRateLevels = levels(
  0.05,
  0.2,
  'Data quality: change in the share of events without a usable value.',
);
const outOfRangeLevels = levels(
  0.01,
  0.05,
  'Data quality: share of values outside the reference [min, max] (numeric).',
);

const driftThresholds = z
  .strictObject({
    minEvents: z
      .number()
      .int()
      .min(200)
      .default(1000)
      .describe('A window with fewer events is `insufficient_data` (200 at least).'),
    psi: psiLevels.default(() => psiLevels.parse({})),
    unseenShare: unseenLevels.default(() => unseenLevels.parse({})),
    nullRateChange: nullRateLevels.default(() => nullRateLevels.parse({})),
    outOfRangeShare: outOfRangeLevels.default(() => outOfRangeLevels.parse({})),
    falseDiscoveryRate: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.01)
      .describe('q of Benjamini–Hochberg across the model’s χ² p-values.'),
    datasetDriftShare: share()
      .default(0.5)
      .describe('Dataset-level drift when at least this share of the evaluated features drifts.'),
  })
  .describe('The decision rule: a subject breaches when all of these agree.');

const driftAlerting = z
  .strictObject({
    fireAfter: positiveInt()
      .default(3)
      .describe('Fast evaluations that must breach, among the last `fireWindow`, to fire.'),
    fireWindow: positiveInt().default(4).describe('Fast evaluations `fireAfter` counts over.'),
    resolveAfter: positiveInt()
      .default(6)
      .describe('Consecutive evaluations below `resolveRatio` × warning that resolve an alert.'),
    resolveRatio: z
      .number()
      .gt(0)
      .max(1)
      .default(0.8)
      .describe(
        'Hysteresis: a firing alert clears only below this share of its warning threshold.',
      ),
    repeatIntervalMs: positiveInt()
      .default(21_600_000)
      .describe('A firing alert is notified again after this long.'),
    groupWaitMs: nonNegativeInt()
      .default(600_000)
      .describe(
        'The first news of a quiet model waits this long for more alerts to join its notification (drift shows in sliding windows over several evaluations).',
      ),
    groupIntervalMs: nonNegativeInt()
      .default(1_800_000)
      .describe(
        'Least time between two notifications of a model while any of its alerts fires; news meanwhile is grouped into the next one.',
      ),
  })
  .describe('The alert state machine: OK → PENDING → FIRING → RESOLVING → OK.');

const webhookDelivery = z
  .strictObject({
    timeoutMs: positiveInt().default(5_000).describe('Time limit of one POST.'),
    maxAttempts: positiveInt()
      .max(20)
      .default(5)
      .describe('Attempts per payload, the first included.'),
    initialBackoffMs: positiveInt()
      .default(500)
      .describe('Wait before the second attempt; doubled before each next one.'),
    maxBackoffMs: positiveInt().default(30_000).describe('Longest wait between attempts.'),
    queueCapacity: positiveInt()
      .default(100)
      .describe('Payloads waiting for delivery; when full, the oldest is dropped (and counted).'),
  })
  .describe(
    'How webhooks are delivered: off the scoring and evaluation path, retried with backoff.',
  );

const retrainPolicy = z
  .strictObject({
    sustainMs: positiveInt()
      .default(3_600_000)
      .describe(
        'Score drift, or dataset-level drift, must stay firing at `critical` this long before a retraining request.',
      ),
    cooldownMs: positiveInt()
      .default(86_400_000)
      .describe('After a request, no other request for the model for this long.'),
  })
  .describe('When a retraining request is emitted.');

const drift = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Run the drift side stream beside scoring.'),
    reference: text(nonEmpty().optional()).describe(
      'Reference profile (`streamscore profile`), relative to the topology file; default: `reference.json` next to the model version.',
    ),
    windowMs: positiveInt()
      .default(300_000)
      .describe('Length of the tumbling event-time windows the counts are kept in.'),
    flushIntervalMs: positiveInt()
      .default(1_000)
      .describe('How often a drift consumer adds its counts to the shared store.'),
    redisUrl: text(nonEmpty().optional()).describe(
      'Redis shared by all instances (`redis://host:port`, from the environment if it holds a password). Omit to keep counts in memory (one process).',
    ),
    evaluation: driftEvaluation.default(() => driftEvaluation.parse({})),
    thresholds: driftThresholds.default(() => driftThresholds.parse({})),
    alerting: driftAlerting.default(() => driftAlerting.parse({})),
    alertTopic: topicName()
      .optional()
      .describe(
        'Compacted topic of alert states, keyed by alert fingerprint; created (cleanup.policy=compact) when missing. Default: `<name>.drift-alerts`.',
      ),
    retrainTopic: topicName()
      .optional()
      .describe(
        'Topic of retraining requests, keyed by idempotency key; created when missing. Default: `<name>.retrain-requests`.',
      ),
    webhookUrl: text(nonEmpty().optional()).describe(
      'HTTP(S) URL that receives alert notifications as JSON POSTs (grouped per model, worst alert first). Must come from the environment (`${VAR}`); never logged. Omit for no webhook.',
    ),
    retrainWebhookUrl: text(nonEmpty().optional()).describe(
      'HTTP(S) URL that receives retraining requests as JSON POSTs, besides `retrainTopic`. Must come from the environment (`${VAR}`); never logged.',
    ),
    webhook: webhookDelivery.default(() => webhookDelivery.parse({})),
    retrain: retrainPolicy.default(() => retrainPolicy.parse({})),
    adminBaseUrl: text(nonEmpty().optional()).describe(
      'Base URL at which people reach this process’s admin server; alerts link to their subject on `<adminBaseUrl>/drift`. Default: `http://<host name>:<observability.httpPort>`.',
    ),
  })
  .describe(
    'The drift side stream: feature and score distributions against the reference profile.',
  );

const readiness = z
  .strictObject({
    brokerTimeoutMs: positiveInt()
      .min(1_000)
      .default(15_000)
      .describe(
        'Scoring reports `broker-unreachable` on /readyz when no broker has answered its consumer, or its sends have kept failing, for this long.',
      ),
    stallTimeoutMs: positiveInt()
      .min(1_000)
      .default(30_000)
      .describe(
        'Scoring reports `stalled` on /readyz when input is waiting (queued, in flight or behind the high watermark) and no event has been finished for this long.',
      ),
  })
  .describe('When /readyz says the process cannot make progress.');

const observability = z
  .strictObject({
    httpHost: nonEmpty()
      .default('127.0.0.1')
      .describe(
        'Address the admin server binds: loopback by default, so only this machine reaches it. Set `0.0.0.0` (or `::`) in a container so that Prometheus and the orchestrator’s probes reach it.',
      ),
    httpPort: z
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(9464)
      .describe(
        'Port of the admin server: /metrics, /healthz, /readyz, and /drift with drift on; 0 picks a free one.',
      ),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
      .default('info')
      .describe('pino log level.'),
    readiness: readiness.default(() => readiness.parse({})),
  })
  .describe('Metrics, health and logs.');

export const topologySchema = z
  .strictObject({
    name: text(
      nonEmpty().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-"'),
    ).describe('Name of the deployment, used in logs and metrics labels.'),
    kafka,
    input,
    output,
    deadLetter,
    features: featureSpecsSchema
      .optional()
      .describe(
        'The feature spec, in model column order. Omit to take the model’s (its manifest’s `features`); when given, it must equal the model’s.',
      ),
    model,
    batching: batching.default(() => batching.parse({})),
    scaling: scaling.default(() => scaling.parse({})),
    drift: drift.default(() => drift.parse({})),
    observability: observability.default(() => observability.parse({})),
  })
  .describe('A streamscore topology: one deployment of one model on one input topic.');

/** A topology exactly as the schema returns it (defaults filled in, not yet compiled). */
export type TopologyDocument = z.output<typeof topologySchema>;
export type ExecutionProvider = z.output<typeof executionProvider>;
