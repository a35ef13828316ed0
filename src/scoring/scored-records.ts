import type { Batch } from '../batching/index.js';
import type { ModelOutputs } from '../inference/index.js';
import { HEADERS, type DeadLetter, type EventCodec, type OutgoingRecord } from '../io/index.js';
import type { Topology } from '../topology/index.js';
import type { PendingEvent } from './record-intake.js';

/** A scored output record, with the event it came from. */
export type ScoredMessage = OutgoingRecord & { readonly source: PendingEvent };

export interface ScoredRecordsOptions {
  readonly codec: EventCodec;
  readonly model: { readonly name: string; readonly version: number };
  /** `model.outputs`: which model output becomes which score field. */
  readonly outputs: Topology['model']['outputs'];
  readonly scoreField: string;
  readonly inputTopic: string;
  /** Partitions of the output topic: input partition p goes to p mod this. */
  readonly outputPartitions: number;
}

/** The output records of one scored batch: `(batch, the model's outputs for it)`. */
export type ScoredRecordBuilder = (
  batch: Batch<PendingEvent>,
  outputs: ModelOutputs,
) => ScoredRecords;

export interface ScoredRecords {
  readonly messages: ScoredMessage[];
  /** Events whose scored record could not be encoded; each is marked dead-lettered. */
  readonly failed: DeadLetter[];
}

/**
 * The output records of a scored batch: each event with the score object set on
 * `output.scoreField` (every model output, the model, its version, when it was scored), keyed as
 * the input, on partition p mod N of the output, with the provenance headers of docs/scoring.md.
 */
export function createScoredRecordBuilder(options: ScoredRecordsOptions): ScoredRecordBuilder {
  const { codec, model, scoreField, inputTopic, outputPartitions } = options;
  const modelLabel = `${model.name}@${model.version}`;
  return (batch, outputs) => {
    const scoredAt = new Date().toISOString();
    const messages: ScoredMessage[] = [];
    const failed: DeadLetter[] = [];
    for (let i = 0; i < batch.size; i++) {
      const event = batch.items[i] as PendingEvent;
      const { partition, record, eventWithScoreField } = event;
      const score: Record<string, unknown> = {};
      for (const output of options.outputs) {
        score[output.field] = outputValue(outputs[output.name], i, output.column);
      }
      score.model = model.name;
      score.version = model.version;
      score.scoredAt = scoredAt;
      let value: Buffer;
      try {
        value = codec.encodeWithField(
          record.value as Buffer,
          eventWithScoreField,
          scoreField,
          score,
        );
      } catch (error) {
        event.deadLettered = true;
        failed.push({
          partition,
          record,
          reason: 'ENCODE_FAILED',
          detail: `scored event not encodable as ${codec.format}: ${String(error)}`,
        });
        continue;
      }
      messages.push({
        key: record.key,
        value,
        partition: partition % outputPartitions,
        headers: {
          [HEADERS.sourceTopic]: inputTopic,
          [HEADERS.sourcePartition]: String(partition),
          [HEADERS.sourceOffset]: record.offset,
          [HEADERS.sourceTimestamp]: record.timestamp,
          [HEADERS.modelVersion]: modelLabel,
        },
        source: event,
      });
    }
    return { messages, failed };
  };
}

/** Row `row` of an output tensor: one column, a chosen column, or every column as an array. */
function outputValue(
  tensor: ModelOutputs[string] | undefined,
  row: number,
  column: number | undefined,
): number | number[] | null {
  if (tensor === undefined) return null;
  const columns = tensor.dims.length > 1 ? (tensor.dims[1] as number) : 1;
  const read = (index: number) => Number(tensor.data[index]);
  if (column !== undefined) return read(row * columns + column);
  if (columns === 1) return read(row);
  const values: number[] = new Array(columns);
  for (let c = 0; c < columns; c++) values[c] = read(row * columns + c);
  return values;
}
