/**
 * Scores offline events with the model, so that the profile and the comparison see `__score__`
 * (and `__label__`) exactly as the live pipeline produces them: rows built by the same feature
 * extractor, run through the same ONNX session, the score read from the same output column.
 * An event whose features cannot be extracted (a required field missing) is unscored: its
 * score is null, as it would be dead-lettered live.
 */
import { createFeatureExtractor } from '../../features/index.js';
import type { FeatureSpec } from '../../topology/index.js';
import type { RawValue } from '../statistics/index.js';
import type { EventScorer } from './jsonl-dataset.js';
import { labelSubject, scoreSubject } from './profile-subjects.js';

/** The part of a model session scoring needs (the inference module's `ModelSession` fits). */
export interface ScoringSession {
  readonly width: number;
  run(
    rows: Float32Array,
    runSize: number,
  ): Promise<{
    readonly outputs: Readonly<
      Record<
        string,
        { readonly data: ArrayLike<number | bigint>; readonly dims: readonly number[] }
      >
    >;
    readonly rows: Float32Array;
  }>;
}

export interface ModelScoreOutputs {
  /** The 2-D output and column holding the score (e.g. probabilities, 1). */
  readonly score: { readonly output: string; readonly column: number };
  /** A 1-D integer class output, if profiled. */
  readonly label: { readonly output: string } | null;
}

export function createModelEventScorer(
  session: ScoringSession,
  features: readonly FeatureSpec[],
  outputs: ModelScoreOutputs,
): EventScorer {
  const extractor = createFeatureExtractor(features);
  const width = extractor.width;
  let rows: Float32Array = new Float32Array(0);
  const subjects = [
    scoreSubject(outputs.score.output, outputs.score.column),
    ...(outputs.label === null ? [] : [labelSubject(outputs.label.output)]),
  ];
  return {
    subjects,
    async score(events) {
      if (rows.length < events.length * width) rows = new Float32Array(events.length * width);
      // Row r of the batch belongs to event scoredEvent[r]; rejected events get no row.
      const scoredEvent: number[] = [];
      for (let i = 0; i < events.length; i++) {
        if (extractor.extract(events[i], rows, scoredEvent.length * width) === undefined) {
          scoredEvent.push(i);
        }
      }
      const scores: RawValue[] = new Array<RawValue>(events.length).fill(null);
      const labels: RawValue[] = new Array<RawValue>(events.length).fill(null);
      if (scoredEvent.length > 0) {
        const run = await session.run(rows, scoredEvent.length);
        rows = run.rows;
        const scoreTensor = run.outputs[outputs.score.output];
        const labelTensor = outputs.label === null ? undefined : run.outputs[outputs.label.output];
        if (scoreTensor === undefined || (outputs.label !== null && labelTensor === undefined)) {
          throw new Error('the model session did not return the outputs it was opened for');
        }
        const columns = scoreTensor.dims.length > 1 ? (scoreTensor.dims[1] as number) : 1;
        scoredEvent.forEach((event, r) => {
          scores[event] = Number(scoreTensor.data[r * columns + outputs.score.column]);
          if (labelTensor !== undefined) labels[event] = Number(labelTensor.data[r]);
        });
      }
      return {
        values: outputs.label === null ? [scores] : [scores, labels],
        unscored: events.length - scoredEvent.length,
      };
    },
  };
}
