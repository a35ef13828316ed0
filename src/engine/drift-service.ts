/**
 * Wires the drift side stream of a topology: the model's reference profile (checked against the
 * topology and the model it scores with), the window count store (Redis when `drift.redisUrl`
 * is set, shared by every instance; in memory otherwise), the drift consumer, and the alerting
 * (evaluator and sinks).
 *
 * Every instance counts, but one evaluates: N evaluators would page N times. With Redis the
 * instance holding the evaluator lease of the model (see `createRedisLease`) evaluates and
 * delivers, and another takes over when it stops or dies; without Redis the counts live in
 * this one process, which evaluates.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import {
  checkProfileMatches,
  createDriftConsumer,
  parseReferenceProfile,
  referenceProfileId,
  scoredEventSubjects,
  type AlertIdentity,
  type DriftConsumer,
  type DriftPageSource,
  type LiveReferenceProfile,
} from '../drift/index.js';
import { StreamscoreError } from '../errors.js';
import { resolveModel, type ResolvedModel } from '../models/index.js';
import type { Logger, NotReady } from '../observability/index.js';
import {
  createMemoryWindowCountStore,
  createRedisClient,
  createRedisLease,
  createRedisWindowCountStore,
  redisUrlForLogs,
  type RedisLease,
  type WindowCountStore,
} from '../state/index.js';
import type { Topology } from '../topology/index.js';
import { createDriftAlerting, type DriftAlerting } from './drift-alerting.js';

export interface DriftServiceOptions {
  readonly topology: Topology;
  readonly logger: Logger;
  readonly registry: Registry;
}

export interface DriftService {
  /** `httpPort`: where this process's admin server listens (alerts link to its /drift page). */
  start(admin: { readonly httpPort: number }): Promise<void>;
  stop(deadlineMs?: number): Promise<void>;
  /**
   * The /drift page's data: whose drift, and the latest evaluations and alerts (empty while
   * another instance evaluates); undefined until the service has started.
   */
  view(): DriftPageSource | undefined;
  /** Why the side stream cannot count now (see DriftConsumer.notReady); undefined when it can. */
  notReady(): NotReady | undefined;
}

/**
 * Windows are kept this long after their last update: the longest evaluation window of
 * docs/drift.md "Evaluation" (24 h) plus room for late events.
 */
const DRIFT_WINDOW_RETENTION_SECONDS = 26 * 3600;

/**
 * The evaluator lease: a holder that dies is replaced within TTL + renewal interval (20 s); one
 * that stops releases it, and another instance takes over within the renewal interval.
 */
const EVALUATOR_LEASE_TTL_MS = 15_000;
const EVALUATOR_LEASE_RENEW_MS = 5_000;

export function createDriftService(options: DriftServiceOptions): DriftService {
  const { topology, logger, registry } = options;
  let store: WindowCountStore | undefined;
  let consumer: DriftConsumer | undefined;
  let alerting: DriftAlerting | undefined;
  let lease: RedisLease | undefined;
  let identity: AlertIdentity | undefined;
  let stopped: Promise<void> | undefined;

  return {
    async start({ httpPort }) {
      const model = await resolveModel(
        topology.model.registryDir,
        topology.model.name,
        topology.model.version,
      );
      const profile = await loadLiveProfile(topology, model);
      const redis = await connectRedis(topology, logger);
      store =
        redis === undefined
          ? createMemoryWindowCountStore({ windowTtlSeconds: DRIFT_WINDOW_RETENTION_SECONDS })
          : createRedisWindowCountStore({
              redis,
              keyPrefix: storeKeyPrefix(topology),
              windowTtlSeconds: DRIFT_WINDOW_RETENTION_SECONDS,
            });
      const started = createDriftConsumer({ topology, profile, store, logger, registry });
      consumer = started;
      await started.start();
      identity = {
        model: model.name,
        version: model.version,
        reference: referenceProfileId(profile),
      };
      const baseUrl = topology.drift.adminBaseUrl ?? `http://${hostname()}:${httpPort}`;
      const evaluation = createDriftAlerting({
        topology,
        profile,
        identity,
        source: { read: (fromMs, toMs) => started.readWindows(fromMs, toMs) },
        reportUrl: `${baseUrl.replace(/\/+$/, '')}/drift`,
        registry,
        logger,
      });
      alerting = evaluation;
      await evaluation.start();
      if (redis === undefined) {
        await evaluation.beginEvaluating();
        return;
      }
      const { model: name, version, reference } = identity;
      lease = createRedisLease({
        redis,
        key: `${storeKeyPrefix(topology)}:evaluator:${name}@${version}/${reference}`,
        holder: `${hostname()}/${process.pid}/${randomUUID()}`,
        ttlMs: EVALUATOR_LEASE_TTL_MS,
        renewEveryMs: EVALUATOR_LEASE_RENEW_MS,
        onChange: async (held) => {
          if (held) await evaluation.beginEvaluating();
          else await evaluation.endEvaluating();
        },
        logger: logger.child({ model: `${name}@${version}` }),
      });
      lease.start();
    },
    stop(deadlineMs = 30_000) {
      stopped ??= (async () => {
        const deadline = performance.now() + deadlineMs;
        const left = () => Math.max(1_000, deadline - performance.now());
        try {
          // Evaluation first (it reads the counts), then the counting, then the store.
          await lease?.stop();
          await alerting?.stop(left() / 2);
          await consumer?.stop(left());
        } finally {
          await store?.close();
        }
      })();
      return stopped;
    },
    view() {
      if (identity === undefined || alerting === undefined) return undefined;
      return { identity, snapshot: alerting.latest() };
    },
    notReady() {
      return consumer === undefined
        ? { condition: 'starting', detail: 'drift side stream starting' }
        : consumer.notReady();
    },
  };
}

/** Every Redis key of the topology's drift state starts with this. */
function storeKeyPrefix(topology: Topology): string {
  return `streamscore:drift:${topology.name}`;
}

/**
 * The reference profile drift compares with: `drift.reference`, or `reference.json` beside the
 * model version. Refused unless it was built with this model, over this feature spec, and its
 * score (and label) fields are ones this topology writes.
 */
async function loadLiveProfile(
  topology: Topology,
  model: ResolvedModel,
): Promise<LiveReferenceProfile> {
  const file = topology.drift.referenceFile ?? join(dirname(model.modelPath), 'reference.json');
  let document: unknown;
  try {
    document = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new StreamscoreError(
      'PROFILE_INVALID',
      `cannot read the drift reference profile ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); build it with \`streamscore profile\``,
      { cause: error, context: { file } },
    );
  }
  const profile = parseReferenceProfile(document, file);
  const profiled = profile.model;
  if (profiled === null) {
    throw new StreamscoreError(
      'PROFILE_INVALID',
      `${file} was built without the model; live drift needs the score profiled too (\`streamscore profile\`)`,
      { context: { file } },
    );
  }
  checkProfileMatches(
    profile,
    {
      subjects: scoredEventSubjects(topology.features, profiled),
      model: {
        ...profiled,
        name: model.name,
        version: model.version,
        sha256: model.manifest.sha256,
      },
    },
    file,
  );
  const written = new Set(
    topology.model.outputs.map((output) => `${topology.output.scoreField}.${output.field}`),
  );
  for (const field of [profiled.score.field, profiled.label?.field]) {
    if (field !== undefined && !written.has(field)) {
      throw new StreamscoreError(
        'PROFILE_INVALID',
        `${file} reads the model output from ${field}, which ${topology.sourceFile} does not write (it writes ${[...written].join(', ')})`,
        { context: { file } },
      );
    }
  }
  return { ...profile, model: profiled };
}

/** The Redis of `drift.redisUrl`, connected; undefined when the topology keeps counts in memory. */
async function connectRedis(topology: Topology, logger: Logger): Promise<Redis | undefined> {
  const secretUrl = topology.drift.redisUrl;
  if (secretUrl === undefined) return undefined;
  const url = secretUrl.reveal();
  // Its commands time out, so the consumer keeps its counts and retries, and the evaluator
  // lease runs out and its holder steps down, whatever Redis does (see createRedisClient).
  const redis = createRedisClient(url, logger.child({ stage: 'drift-store' }));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new StreamscoreError(
      'STATE_UNAVAILABLE',
      `cannot reach the drift state store at ${redisUrlForLogs(url)} (drift.redisUrl of ${topology.sourceFile})`,
      { retriable: true, cause: error, context: { file: topology.sourceFile } },
    );
  }
  return redis;
}
