/**
 * The walkthrough of docs/score-your-own-model.md, command for command, through the built CLI
 * on the harness broker: a model streamscore has never seen (built here by
 * test/fixtures/walkthrough/make_tiny_model.py), `model add`, `topics create`, `produce`,
 * `run`, and the output read back by the independent counter. Every score is checked against a
 * direct onnxruntime run on feature rows computed here by hand.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../harness/cli-run.js';
import { countRecords, harnessPython } from '../harness/independent-count.js';
import {
  consumeRecords,
  createTestConsumer,
  createTestKafka,
  uniqueGroupId,
  uniqueName,
} from '../harness/kafka-test-helpers.js';
import { startScorerProcess } from '../harness/scorer-process.js';
import { waitFor } from '../harness/wait-for.js';

const brokers = inject('kafkaBrokers');
const makeModel = fileURLToPath(
  new URL('../fixtures/walkthrough/make_tiny_model.py', import.meta.url),
);
const EVENTS = 500;
const CHANNELS = ['web', 'app', 'store'];

const topologyYaml = (input: string) => `name: my-scoring
kafka:
  brokers: \${KAFKA_BROKERS}
input:
  topic: ${input}
  groupId: ${input}-scorer
  fromBeginning: true
output:
  topic: ${input}.scored
deadLetter:
  topic: ${input}.dlq
features:
  - name: amount_log
    path: amount
    type: number
    transforms: [{ op: log1p }]
  - name: new_customer
    path: customer.is_new
    type: boolean
    default: false
  - name: channel
    path: channel
    type: category
    encoding: index
    vocabulary: [${CHANNELS.join(', ')}]
model:
  name: my-model
  input: x
  outputs: [{ name: score, field: risk, column: 0 }]
observability:
  httpPort: 0
`;

interface Event {
  id: string;
  amount: number;
  customer: { is_new?: boolean };
  channel: string;
}

function eventAt(index: number): Event {
  return {
    id: `evt-${index}`,
    amount: (index * 37) % 900,
    customer: index % 3 === 0 ? {} : { is_new: index % 2 === 0 },
    channel: CHANNELS[index % CHANNELS.length] as string,
  };
}

/** The row the topology's features describe, computed without streamscore. */
function rowOf(event: Event): number[] {
  return [
    Math.log1p(event.amount),
    event.customer.is_new === true ? 1 : 0,
    CHANNELS.indexOf(event.channel),
  ];
}

describe('score your own model (docs walkthrough, built CLI)', () => {
  const input = uniqueName('my-events');
  const events = Array.from({ length: EVENTS }, (_, index) => eventAt(index));
  let dir: string;
  let modelFile: string;
  const cli = (args: string[]) => runCli(args, { cwd: dir });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streamscore-walkthrough-'));
    modelFile = join(dir, 'my-model.onnx');
    await promisify(execFile)(await harnessPython(), [makeModel, modelFile]);
    await writeFile(join(dir, 'my-topology.yaml'), topologyYaml(input));
    await writeFile(
      join(dir, 'events.jsonl'),
      events.map((event) => JSON.stringify(event)).join('\n') + '\n',
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds the model, creates the topics, produces, runs, and scores as onnxruntime does', async () => {
    const added = await cli([
      'model',
      'add',
      'my-model.onnx',
      '--name',
      'my-model',
      '--features',
      'my-topology.yaml',
    ]);
    expect(added.stderr).toBe('');
    expect(added.exitCode).toBe(0);
    expect(added.stdout).toMatch(/^added my-model@1: .*models\/my-model\/1\/model\.json/);
    expect(added.stdout).toContain('input x float32[N, 3]; outputs score float32[N, 1]');

    const verified = await cli(['model', 'verify']);
    expect(verified.stdout.trim()).toMatch(/^my-model@1: ok \(sha256 [0-9a-f]{12}…\)$/);

    const validated = await cli(['validate', 'my-topology.yaml']);
    expect(validated.stdout.trim()).toBe(
      `my-topology.yaml: ok (my-scoring: ${input} → ${input}.scored, 3 features in 3 columns, model my-model@1 verified)`,
    );
    expect(validated.exitCode).toBe(0);

    // The silent wrong answer this guards against: a topology that drops the model's log1p.
    await writeFile(
      join(dir, 'no-log1p.yaml'),
      topologyYaml(input).replace('transforms: [{ op: log1p }]', 'transforms: []'),
    );
    const refused = await cli(['validate', 'no-log1p.yaml']);
    expect(refused.stderr).toBe(
      `streamscore: MODEL_INVALID: no-log1p.yaml features[0].transforms is [], but model my-model@1 was trained with features[0].transforms [{"op":"log1p"}] (${join(dir, 'models/my-model/1/model.json')}): make the topology’s features equal the model’s, or omit \`features:\` to take the model’s\n`,
    );
    expect(refused.exitCode).toBe(2);
    expect((await cli(['validate', '--no-model', 'no-log1p.yaml'])).exitCode).toBe(0);

    const created = await cli(['topics', 'create', 'my-topology.yaml']);
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toContain(input);

    const produced = await cli(['produce', input, '--file', 'events.jsonl', '--key-field', 'id']);
    expect(produced.exitCode).toBe(0);

    const scorer = await startScorerProcess(join(dir, 'my-topology.yaml'), {
      KAFKA_BROKERS: brokers,
    });
    try {
      await scorer.waitReady();
      await waitFor(
        async () => ((await scorer.metric('streamscore_events_scored_total')) ?? 0) >= EVENTS,
        'every event scored',
        60_000,
      );
    } finally {
      scorer.child.kill('SIGTERM');
    }
    expect(await scorer.exited).toBe(0);

    const counted = await countRecords({ brokers, topics: [`${input}.scored`, `${input}.dlq`] });
    const output = counted.topics[`${input}.scored`];
    expect(counted.topics[`${input}.dlq`]?.records).toBe(0);
    expect(output?.records).toBe(EVENTS);
    expect(Object.keys(output?.keys ?? {}).sort()).toEqual(events.map(({ id }) => id).sort());

    const consumer = createTestConsumer(createTestKafka(brokers), uniqueGroupId('walkthrough'));
    await consumer.connect();
    const scored = await consumeRecords(consumer, {
      topic: `${input}.scored`,
      count: EVENTS,
    }).finally(() => consumer.disconnect());

    const session = await InferenceSession.create(modelFile);
    try {
      const rows = Float32Array.from(events.flatMap(rowOf));
      const result = await session.run({ x: new Tensor('float32', rows, [EVENTS, 3]) });
      const expected = result['score']?.data as Float32Array;
      const scores = new Map(
        scored.map((record) => {
          const value = JSON.parse(record.value as string) as {
            id: string;
            score: { risk: number };
          };
          return [value.id, value.score.risk];
        }),
      );
      expect(scores.size).toBe(EVENTS);
      events.forEach((event, index) => {
        expect(scores.get(event.id), event.id).toBeCloseTo(expected[index] as number, 6);
      });
    } finally {
      await session.release();
    }
  });

  it('model add --reference-data writes the drift reference profile of the version it adds', async () => {
    const registry = 'profiled-models';
    const addArgs = ['model', 'add', 'my-model.onnx', '--name', 'my-model', '--registry', registry];
    const added = await cli([
      ...addArgs,
      '--features',
      'my-topology.yaml',
      '--reference-data',
      'events.jsonl',
    ]);
    expect(added.stderr).toBe('');
    expect(added.exitCode).toBe(0);
    const reference = join(dir, registry, 'my-model', '1', 'reference.json');
    expect(added.stdout).toContain(`profiled ${EVENTS} events of`);
    expect(added.stdout).toContain(`wrote ${reference}: 4 subjects`);
    const profile = JSON.parse(await readFile(reference, 'utf8')) as {
      model: { name: string; version: number };
      data: { events: number };
      subjects: { name: string }[];
    };
    expect(profile.model).toMatchObject({ name: 'my-model', version: 1 });
    expect(profile.data.events).toBe(EVENTS);
    expect(profile.subjects.map(({ name }) => name)).toEqual([
      'amount_log',
      'new_customer',
      'channel',
      '__score__',
    ]);

    // A bare features file says nothing of the outputs a profile scores: refused before adding.
    await writeFile(
      join(dir, 'features.yaml'),
      (await readFile(join(dir, 'my-topology.yaml'), 'utf8'))
        .replace(/^[\s\S]*?features:/m, 'features:')
        .replace(/\nmodel:[\s\S]*$/, '\n'),
    );
    const refused = await cli([
      ...addArgs,
      '--features',
      'features.yaml',
      '--reference-data',
      'events.jsonl',
    ]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      'streamscore: USAGE: --reference-data needs --features to be the topology that scores my-model, and features.yaml is a features file: give the topology, or run `streamscore profile` once it exists\n',
    );
    expect((await cli(['model', 'list', '--registry', registry])).stdout).not.toContain(
      'my-model@2',
    );
  });
});
