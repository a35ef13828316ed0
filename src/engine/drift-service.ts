/**
 * Wires the drift side stream of a topology: the model's reference profile (checked against the
 * topology and the model it scores with), the window count store (Redis when `drift.redisUrl`
 * is set, shared by every instance; in memory otherwise), and the drift consumer.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import {
  checkProfileMatches,
  createDriftConsumer,
  parseReferenceProfile,
  scoredEventSubjects,
  type DriftConsumer,
  type FeatureHistogram,
  type LiveReferenceProfile,
} from '../drift/index.js';
import { StreamscoreError } from '../errors.js';
import { resolveModel, type ResolvedModel } from '../inference/index.js';
import type { Logger } from '../observability/index.js';
import {
  createMemoryWindowCountStore,
  createRedisWindowCountStore,
  type WindowCountStore,
} from '../state/index.js';
import type { Topology } from '../topology/index.js';

export interface DriftServiceOptions {
  readonly topology: Topology;
  readonly logger: Logger;
  readonly registry: Registry;
}

export interface DriftService {
  start(): Promise<void>;
  stop(deadlineMs?: number): Promise<void>;
  /** Merged histograms per subject of the windows starting in [fromMs, toMs) (see DriftConsumer). */
  readWindows(fromMs: number, toMs: number): Promise<Map<string, FeatureHistogram>>;
  notReadyReason(): string | undefined;
}

/**
 * Windows are kept this long after their last update: the longest evaluation window of
 * DRIFT.md (24 h) plus room for late events.
 */
export const DRIFT_WINDOW_RETENTION_SECONDS = 26 * 3600;

export function createDriftService(options: DriftServiceOptions): DriftService {
  const { topology, logger, registry } = options;
  let store: WindowCountStore | undefined;
  let consumer: DriftConsumer | undefined;
  let stopped: Promise<void> | undefined;

  return {
    async start() {
      const model = await resolveModel(
        topology.model.registryDir,
        topology.model.name,
        topology.model.version,
      );
      const profile = await loadLiveProfile(topology, model);
      store = await openStore(topology, logger);
      consumer = createDriftConsumer({ topology, profile, store, logger, registry });
      await consumer.start();
    },
    stop(deadlineMs = 30_000) {
      stopped ??= (async () => {
        try {
          await consumer?.stop(deadlineMs);
        } finally {
          await store?.close();
        }
      })();
      return stopped;
    },
    readWindows(fromMs, toMs) {
      if (consumer === undefined) throw new Error('the drift service is not started');
      return consumer.readWindows(fromMs, toMs);
    },
    notReadyReason() {
      return consumer === undefined ? 'drift side stream starting' : consumer.notReadyReason();
    },
  };
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

async function openStore(topology: Topology, logger: Logger): Promise<WindowCountStore> {
  const secretUrl = topology.drift.redisUrl;
  if (secretUrl === undefined) {
    return createMemoryWindowCountStore({ windowTtlSeconds: DRIFT_WINDOW_RETENTION_SECONDS });
  }
  const url = secretUrl.reveal();
  const redis = new Redis(url, {
    lazyConnect: true,
    // Fail a command after a few reconnection attempts: the consumer keeps the counts and retries.
    maxRetriesPerRequest: 2,
  });
  const log = logger.child({ stage: 'drift-store' });
  // Failures reach the consumer through its commands; the connection's own errors only debug.
  redis.on('error', (error: unknown) => log.debug({ err: error }, 'redis connection error'));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const { host } = new URL(url);
    throw new StreamscoreError(
      'STATE_UNAVAILABLE',
      `cannot reach the drift state store at redis://${host} (drift.redisUrl of ${topology.sourceFile})`,
      { retriable: true, cause: error, context: { file: topology.sourceFile } },
    );
  }
  return createRedisWindowCountStore({
    redis,
    keyPrefix: `streamscore:drift:${topology.name}`,
    windowTtlSeconds: DRIFT_WINDOW_RETENTION_SECONDS,
  });
}
