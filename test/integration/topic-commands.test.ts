/**
 * `streamscore topics create` and `streamscore produce` end to end, through the built CLI
 * (`npm run build` first; `npm test` does), against the harness broker. What they wrote is read
 * back by the independent counter (Python confluent-kafka) and by a plain kafkajs consumer.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigResourceTypes } from 'kafkajs';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../tools/devstack/index.js';
import { runCli } from '../harness/cli-run.js';
import { countRecords } from '../harness/independent-count.js';
import {
  consumeRecords,
  createTestConsumer,
  createTestKafka,
  createTopic,
  uniqueGroupId,
  uniqueTopicName,
} from '../harness/kafka-test-helpers.js';

const brokers = inject('kafkaBrokers');
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('streamscore topics create and produce (built CLI)', () => {
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before the integration tests');
    }
    dir = await mkdtemp(join(tmpdir(), 'streamscore-topic-commands-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a topology’s topics, drift topics included, and says which exist on a second run', async () => {
    const name = uniqueTopicName('topics-create');
    // The reference topology with its own topics and the drift side stream on.
    const document = parseDocument(
      await readFile(join(repoRoot, 'topologies', 'fraud.yaml'), 'utf8'),
    );
    document.setIn(['model', 'registry'], join(repoRoot, 'models'));
    document.setIn(['drift', 'enabled'], true);
    document.setIn(['drift', 'alertTopic'], `${name}.alerts`);
    document.setIn(['drift', 'retrainTopic'], `${name}.retrain`);
    const topologyFile = join(dir, 'drift-on.yaml');
    await writeFile(topologyFile, document.toString());
    const topics = {
      INPUT_TOPIC: `${name}.in`,
      OUTPUT_TOPIC: `${name}.scored`,
      DLQ_TOPIC: `${name}.dlq`,
    };
    const create = (partitions: number) =>
      runCli(['topics', 'create', topologyFile, '--partitions', String(partitions)], {
        env: topics,
      });

    const first = await create(3);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(lines(first.stdout)).toEqual([
      `${name}.in: created (input, 3 partitions)`,
      `${name}.scored: created (output, 3 partitions)`,
      `${name}.dlq: created (dead letters, 3 partitions)`,
      `${name}.alerts: created (drift alerts, 3 partitions)`,
      `${name}.retrain: created (retrain requests, 3 partitions)`,
    ]);

    const second = await create(5);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(lines(second.stdout)).toEqual([
      `${name}.in: already exists (input, 3 partitions; not changed to 5)`,
      `${name}.scored: already exists (output, 3 partitions; not changed to 5)`,
      `${name}.dlq: already exists (dead letters, 3 partitions; not changed to 5)`,
      `${name}.alerts: already exists (drift alerts, 3 partitions; not changed to 5)`,
      `${name}.retrain: already exists (retrain requests, 3 partitions; not changed to 5)`,
    ]);

    const counted = await countRecords({ brokers, topics: Object.values(topics) });
    for (const topic of Object.values(topics)) {
      expect(counted.topics[topic]).toMatchObject({ partitions: 3, records: 0 });
    }
    const admin = createTestKafka(brokers).admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: `${name}.alerts`,
            configNames: ['cleanup.policy'],
          },
        ],
      });
      expect(described.resources[0]?.configEntries[0]?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('produces a JSON Lines file keyed by a field: every line one record, its bytes as they were', async () => {
    const topic = uniqueTopicName('produce-file');
    await createTopic(brokers, topic, 3);
    const events = Array.from({ length: 600 }, (_, i) => ({
      id: `e-${i}`,
      card: { id: `card-${i % 7}` },
      note: i % 2 === 0 ? 'Zoë ü €' : 'plain',
    }));
    // Spacing kept as written, a CRLF line and blank lines: values are the lines' bytes.
    const written = events.map((event, i) =>
      i % 3 === 0 ? JSON.stringify(event).replace(':', ': ') : JSON.stringify(event),
    );
    const file = join(dir, 'events.jsonl');
    await writeFile(
      file,
      `${written.slice(0, 10).join('\r\n')}\r\n\n${written.slice(10).join('\n')}\n\n`,
    );

    const produced = await runCli(['produce', topic, '--file', file, '--key-field', 'card.id']);
    expect(produced.exitCode, produced.stderr).toBe(0);
    expect(lines(produced.stderr).at(-1)).toMatch(
      new RegExp(`^produced 600 events to ${topic} in \\d+\\.\\d s \\([\\d,]+/s\\)$`),
    );

    const counted = (await countRecords({ brokers, topics: [topic] })).topics[topic];
    const expectedKeys: Record<string, number> = {};
    for (const event of events)
      expectedKeys[event.card.id] = (expectedKeys[event.card.id] ?? 0) + 1;
    expect(counted).toMatchObject({ partitions: 3, records: 600, nullKeys: 0, withValue: 600 });
    expect(counted?.keys).toEqual(expectedKeys);

    const consumer = createTestConsumer(createTestKafka(brokers), uniqueGroupId('produce-file'));
    await consumer.connect();
    try {
      const records = await consumeRecords(consumer, { topic, count: 600 });
      expect(records.map((record) => record.value).sort()).toEqual([...written].sort());
      // One key, one partition: each card's events stay together, in file order.
      for (const key of Object.keys(expectedKeys)) {
        const ofKey = records.filter((record) => record.key === key);
        expect(new Set(ofKey.map((record) => record.partition)).size).toBe(1);
        expect(ofKey.map((record) => record.value)).toEqual(
          written.filter((_, i) => events[i]?.card.id === key),
        );
      }
    } finally {
      await consumer.disconnect();
    }
  });

  it('produces stdin at the given rate', async () => {
    const topic = uniqueTopicName('produce-stdin');
    await createTopic(brokers, topic, 1);
    const stdin = Array.from({ length: 40 }, (_, i) => JSON.stringify({ i })).join('\n');
    const produced = await runCli(['produce', topic, '--rate', '50'], { stdin });
    expect(produced.exitCode, produced.stderr).toBe(0);
    // 40 events at 50/s: the last leaves no earlier than 0.78 s after the first.
    expect(produced.elapsedMs).toBeGreaterThanOrEqual(780);
    expect(lines(produced.stderr).at(-1)).toMatch(
      new RegExp(`^produced 40 events to ${topic} in `),
    );
    expect((await countRecords({ brokers, topics: [topic] })).topics[topic]).toMatchObject({
      records: 40,
      nullKeys: 40,
    });
  });

  it('refuses a file with a bad line before sending any of it: DATA_INVALID naming the line, exit 2', async () => {
    const topic = uniqueTopicName('produce-bad-line');
    await createTopic(brokers, topic, 1);
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, '{"id":1}\n{"id":2}\n{"id":3,\n{"id":4}\n');

    const produced = await runCli(['produce', topic, '-f', file]);
    expect(produced.exitCode).toBe(2);
    expect(lines(produced.stderr)).toHaveLength(1);
    expect(produced.stderr).toMatch(
      new RegExp(`^streamscore: DATA_INVALID: ${file} line 3 is not JSON \\(.+\\)\\n$`),
    );
    expect((await countRecords({ brokers, topics: [topic] })).topics[topic]?.records).toBe(0);
  });

  it('names a missing topic and the command that creates it: TOPIC_MISSING, exit 1', async () => {
    const topic = uniqueTopicName('never-created');
    const produced = await runCli(['produce', topic], { stdin: '{"id":1}\n' });
    expect(produced.exitCode).toBe(1);
    expect(produced.stderr).toBe(
      `streamscore: TOPIC_MISSING: topic ${topic} not found on ${brokers}: ` +
        'create it with `streamscore topics create <topology>`\n',
    );
  });

  it('ends topics create against an unreachable broker with one BROKER_UNREACHABLE line, exit 1', async () => {
    const port = await findFreePort();
    const create = await runCli(
      ['topics', 'create', 'topologies/fraud.yaml', '--connect-timeout-ms', '2000'],
      { env: { KAFKA_BROKERS: `127.0.0.1:${port}` } },
    );
    expect(create.exitCode).toBe(1);
    expect(create.stdout).toBe('');
    expect(lines(create.stderr)).toHaveLength(1);
    expect(create.stderr).toMatch(
      new RegExp(
        `^streamscore: BROKER_UNREACHABLE: cannot connect to Kafka at 127\\.0\\.0\\.1:${port} within 2000 ms \\(.+\\): ` +
          'start the cluster or fix kafka\\.brokers in topologies/fraud\\.yaml \\(`streamscore dev up` starts a local one\\)\\n$',
      ),
    );
    // Within the deadline, give or take the CLI's start-up.
    expect(create.elapsedMs).toBeLessThan(2_000 + 5_000);
  });
});
