import { dirname, resolve } from 'node:path';
import { Secret } from './secret.js';
import { featureColumnNames, type FeatureSpec } from '../features/index.js';
import type { ExecutionProvider, TopologyDocument } from './topology-schema.js';

export interface KafkaConnection {
  readonly brokers: readonly string[];
  /** The client the scoring path's consumer and producer use (default platformatic). */
  readonly client?: 'platformatic' | 'kafkajs';
  readonly clientId: string;
  readonly tls?: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly rejectUnauthorized: boolean;
  };
  readonly sasl?: {
    readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    readonly username: string;
    readonly password: Secret;
  };
}

/**
 * A validated topology in the form the engine uses: frozen, defaults applied, paths absolute,
 * secrets wrapped. Nothing after `loadTopology` reads YAML or `process.env`.
 */
export interface Topology {
  /** The file it came from, as given to `loadTopology`. */
  readonly sourceFile: string;
  readonly name: string;
  readonly kafka: KafkaConnection & {
    /** How long start-up waits for a broker before BROKER_UNREACHABLE. */
    readonly connectTimeoutMs: number;
  };
  readonly input: Readonly<TopologyDocument['input']>;
  readonly output: Readonly<TopologyDocument['output']>;
  readonly deadLetter: Readonly<TopologyDocument['deadLetter']>;
  /** The feature spec: the topology's own, or the model's where the topology omits it. */
  readonly features: readonly FeatureSpec[];
  /** `model`: the topology has no `features`, these are the model manifest's. */
  readonly featuresFrom: 'topology' | 'model';
  /** Number of float32 columns the feature spec produces (one-hot features count their vocabulary). */
  readonly featureWidth: number;
  readonly model: Readonly<
    Omit<TopologyDocument['model'], 'registry' | 'executionProviders'> & {
      /** Absolute registry directory (relative paths resolve against the topology file). */
      readonly registryDir: string;
      readonly executionProviders: readonly ExecutionProvider[];
    }
  >;
  readonly batching: Readonly<TopologyDocument['batching']>;
  readonly scaling: Readonly<TopologyDocument['scaling']>;
  readonly drift: Readonly<
    Omit<
      TopologyDocument['drift'],
      'reference' | 'redisUrl' | 'alertTopic' | 'retrainTopic' | 'webhookUrl' | 'retrainWebhookUrl'
    > & {
      /** Absolute path of the reference profile, when the topology names one. */
      readonly referenceFile?: string;
      /** May hold a password, hence wrapped. */
      readonly redisUrl?: Secret;
      /** The compacted alert topic, defaulted to `<name>.drift-alerts`. */
      readonly alertTopic: string;
      /** The retraining-request topic, defaulted to `<name>.retrain-requests`. */
      readonly retrainTopic: string;
      /** Webhook URLs often carry a token, hence wrapped. */
      readonly webhookUrl?: Secret;
      readonly retrainWebhookUrl?: Secret;
    }
  >;
  readonly observability: Readonly<TopologyDocument['observability']>;
}

/**
 * `modelFeatures` stands in for a `features` section the document omits: the feature spec of
 * the model it names, read from the registry by the caller.
 */
export function compileTopology(
  document: TopologyDocument,
  origin: { file: string },
  modelFeatures?: readonly FeatureSpec[],
): Topology {
  const features = document.features ?? modelFeatures;
  if (features === undefined) {
    throw new TypeError(`${origin.file}: no features, and no model features to take instead`);
  }
  const { registry, ...model } = document.model;
  const { tls, sasl, brokers, client, clientId, connectTimeoutMs } = document.kafka;
  const topology: Topology = {
    sourceFile: origin.file,
    name: document.name,
    kafka: {
      brokers: (Array.isArray(brokers) ? brokers : brokers.split(','))
        .map((broker) => broker.trim())
        .filter((broker) => broker !== ''),
      client,
      clientId,
      connectTimeoutMs,
      ...(tls?.enabled ? { tls: withoutEnabled(tls) } : {}),
      ...(sasl ? { sasl: { ...sasl, password: new Secret(sasl.password) } } : {}),
    },
    input: document.input,
    output: document.output,
    deadLetter: document.deadLetter,
    features,
    featuresFrom: document.features === undefined ? 'model' : 'topology',
    featureWidth: featureColumnNames(features).length,
    model: { ...model, registryDir: registryDirOf(origin.file, registry) },
    batching: {
      ...document.batching,
      preferredBatchSizes: sortedUnique(document.batching.preferredBatchSizes),
    },
    scaling: document.scaling,
    drift: compileDrift(document.drift, document.name, dirname(origin.file)),
    observability: document.observability,
  };
  return deepFreeze(topology);
}

function compileDrift(
  drift: TopologyDocument['drift'],
  name: string,
  baseDir: string,
): Topology['drift'] {
  const { reference, redisUrl, alertTopic, retrainTopic, webhookUrl, retrainWebhookUrl, ...rest } =
    drift;
  return {
    ...rest,
    ...(reference === undefined ? {} : { referenceFile: resolve(baseDir, reference) }),
    ...(redisUrl === undefined ? {} : { redisUrl: new Secret(redisUrl) }),
    alertTopic: alertTopic ?? `${name}.drift-alerts`,
    retrainTopic: retrainTopic ?? `${name}.retrain-requests`,
    ...(webhookUrl === undefined ? {} : { webhookUrl: new Secret(webhookUrl) }),
    ...(retrainWebhookUrl === undefined
      ? {}
      : { retrainWebhookUrl: new Secret(retrainWebhookUrl) }),
  };
}

/** The model registry directory: relative paths resolve against the topology file. */
export function registryDirOf(topologyFile: string, registry: string): string {
  return resolve(dirname(topologyFile), registry);
}

function withoutEnabled<T extends { enabled: boolean }>({ enabled: _enabled, ...rest }: T) {
  return rest;
}

function sortedUnique(sizes: readonly number[]): number[] {
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof Secret)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
