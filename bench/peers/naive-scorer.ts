/**
 * The naive baseline: the scorer a user writes in an afternoon with kafkajs and
 * onnxruntime-node. One event at a time: `eachMessage`, decode, a [1, 15] tensor, `session.run`,
 * then an awaited `send` of the scored event before the next one. Same features (the fraud
 * topology's), same model and the same output record as streamscore. Run by the bench as a
 * process; the topology file comes as its only argument.
 */
import ort from 'onnxruntime-node';
import { createFeatureExtractor } from '../../src/features/index.js';
import { resolveModel } from '../../src/models/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { connectPeerClients } from './peer-environment.js';

const topologyFile = process.argv[2];
if (topologyFile === undefined) throw new Error('usage: naive-scorer.js <topology>');
const topology = await loadTopology(topologyFile, { env: process.env });
const model = await resolveModel(
  topology.model.registryDir,
  topology.model.name,
  topology.model.version,
);
const session = await ort.InferenceSession.create(model.modelPath);
const extractor = createFeatureExtractor(topology.features);

const { env, consumer, producer } = await connectPeerClients('bench-naive-scorer');
await consumer.subscribe({ topic: env.inputTopic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    const event = JSON.parse(message.value?.toString('utf8') ?? 'null') as Record<string, unknown>;
    const row = new Float32Array(extractor.width);
    if (extractor.extract(event, row, 0) !== undefined) return;
    const outputs = await session.run({
      [topology.model.input]: new ort.Tensor('float32', row, [1, extractor.width]),
    });
    const probabilities = outputs['probabilities']?.data as Float32Array;
    const label = outputs['label']?.data as BigInt64Array;
    event[topology.output.scoreField] = {
      probability: probabilities[1],
      label: Number(label[0]),
      model: model.name,
      version: model.version,
      scoredAt: new Date().toISOString(),
    };
    await producer.send({
      topic: env.outputTopic,
      acks: -1,
      messages: [{ key: message.key, value: JSON.stringify(event), partition }],
    });
  },
});
