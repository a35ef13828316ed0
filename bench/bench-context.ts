/**
 * What every scenario gets: the broker, an admin client, the plan, fresh topic names, and the
 * expensive shared things made at most once and only when a scenario asks — the pre-loaded
 * backlog, the Python environment and the heavy model.
 */
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { Topology } from '../src/topology/index.js';
import type { BenchPlan } from './bench-plan.js';
import type { ScenarioResult } from './bench-results.js';
import { createTopics, deleteTopics, preloadBacklog, type BenchTopic } from './bench-kafka.js';
import { ensureHeavyModel, type HeavyModel } from './heavy-model.js';
import { ensurePythonEnvironment, type PythonEnvironment } from './python-environment.js';
import { repoRoot } from './streamscore-under-test.js';

export interface Backlog {
  readonly topic: string;
  readonly partitions: number;
  readonly records: number;
}

/** Topics of one run of one contender; the input is the shared backlog unless `live`. */
export interface RunTopics {
  readonly input: string;
  readonly output: string;
  readonly deadLetter: string;
  readonly group: string;
}

export interface BenchContext {
  readonly plan: BenchPlan;
  readonly brokers: string;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Scratch files of this run (topology variants); removed at the end. */
  readonly scratchDir: string;
  readonly repoRoot: string;
  /** topologies/fraud.yaml as loaded, for the settings variants leave alone. */
  readonly referenceTopology: Topology;
  readonly print: (line: string) => void;
  /** Results of the scenarios that already ran. */
  readonly results: readonly ScenarioResult[];
  backlog(): Promise<Backlog>;
  python(): Promise<PythonEnvironment>;
  heavyModel(): Promise<HeavyModel>;
  /**
   * Creates fresh output and dead-letter topics (and a fresh input topic when `live`) and names
   * a fresh consumer group. `logAppendTime` stamps output records with the broker's clock.
   */
  createRunTopics(
    label: string,
    options?: { readonly live?: boolean; readonly logAppendTime?: boolean },
  ): Promise<RunTopics>;
  /** Deletes a run's own topics (never the shared backlog). */
  dropRunTopics(topics: RunTopics): Promise<void>;
}

export function createBenchContext(options: {
  readonly plan: BenchPlan;
  readonly brokers: string;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly scratchDir: string;
  readonly cacheDir: string;
  readonly referenceTopology: Topology;
  readonly print: (line: string) => void;
  readonly results: readonly ScenarioResult[];
}): BenchContext {
  const { plan, admin, kafka, print } = options;
  const runId = `${Date.now().toString(36)}`;
  let counter = 0;
  const unique = (label: string) => `bench-${runId}-${++counter}-${label}`;
  let backlog: Promise<Backlog> | undefined;
  let python: Promise<PythonEnvironment> | undefined;
  let heavy: Promise<HeavyModel> | undefined;
  const backlogTopic = `bench-${runId}-backlog`;

  const context: BenchContext = {
    plan,
    brokers: options.brokers,
    kafka,
    admin,
    scratchDir: options.scratchDir,
    repoRoot,
    referenceTopology: options.referenceTopology,
    print,
    results: options.results,
    backlog() {
      backlog ??= (async () => {
        const topic: BenchTopic = { name: backlogTopic, partitions: plan.partitions };
        await createTopics(admin, [topic]);
        print(`backlog: pre-loading ${plan.backlogRecords.toLocaleString('en-US')} transactions`);
        let nextReport = 500_000;
        const loaded = await preloadBacklog(kafka, topic, plan.backlogRecords, {
          seed: 1,
          onProgress: (records) => {
            if (records >= nextReport) {
              print(`backlog: ${records.toLocaleString('en-US')} loaded`);
              nextReport += 500_000;
            }
          },
        });
        print(
          `backlog: ${loaded.records.toLocaleString('en-US')} records, ${(loaded.bytes / 1e6).toFixed(0)} MB in ${loaded.seconds.toFixed(1)} s`,
        );
        return { topic: backlogTopic, partitions: plan.partitions, records: loaded.records };
      })();
      return backlog;
    },
    python() {
      python ??= ensurePythonEnvironment({
        requirementsFile: join(repoRoot, 'bench', 'python', 'requirements.txt'),
        cacheDir: options.cacheDir,
        print,
      });
      return python;
    },
    heavyModel() {
      heavy ??= ensureHeavyModel({
        repoRoot,
        registryDir: join(options.cacheDir, 'models'),
        python: () => context.python(),
        print,
      });
      return heavy;
    },
    async createRunTopics(label, topicOptions = {}) {
      const topics: RunTopics = {
        input: topicOptions.live ? unique(`${label}-in`) : (await context.backlog()).topic,
        output: unique(`${label}-out`),
        deadLetter: unique(`${label}-dlq`),
        group: unique(`${label}-group`),
      };
      await createTopics(admin, [
        ...(topicOptions.live ? [{ name: topics.input, partitions: plan.partitions }] : []),
        {
          name: topics.output,
          partitions: plan.partitions,
          logAppendTime: topicOptions.logAppendTime,
        },
        { name: topics.deadLetter, partitions: 1 },
      ]);
      return topics;
    },
    async dropRunTopics(topics) {
      const own = [topics.output, topics.deadLetter];
      if (topics.input !== backlogTopic) own.push(topics.input);
      await deleteTopics(admin, own);
    },
  };
  return context;
}
