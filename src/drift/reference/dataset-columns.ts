/**
 * A data set held column-wise as raw values: one array per subject, one entry per event, in
 * event order. Profiling needs every value (quantiles) and event order (calibration replays the
 * tail of the reference as windows), so offline data is read into this once.
 */
import type { FeatureSpec } from '../../topology/index.js';
import {
  addRawValue,
  compileBinning,
  createFeatureHistogram,
  type FeatureHistogram,
  type RawValue,
  type ReferenceBinning,
} from '../statistics/index.js';
import {
  createRawFeatureReader,
  featureSubjects,
  type ProfileSubject,
} from './profile-subjects.js';

export interface DatasetColumns {
  readonly subjects: readonly ProfileSubject[];
  readonly eventCount: number;
  /** `values[s][e]`: the raw value of subject s in event e. */
  readonly values: readonly (readonly RawValue[])[];
}

/** Collects columns event by event; `add` takes one event's values in subject order. */
export interface DatasetColumnsBuilder {
  add(values: readonly RawValue[]): void;
  build(): DatasetColumns;
}

export function createDatasetColumnsBuilder(
  subjects: readonly ProfileSubject[],
): DatasetColumnsBuilder {
  const values: RawValue[][] = subjects.map(() => []);
  let eventCount = 0;
  return {
    add(eventValues) {
      for (let s = 0; s < values.length; s++)
        (values[s] as RawValue[]).push(eventValues[s] ?? null);
      eventCount++;
    },
    build: () => ({ subjects, eventCount, values }),
  };
}

/** Columns of the topology features only (no model), from events already decoded. */
export function datasetColumnsFromEvents(
  events: Iterable<unknown>,
  features: readonly FeatureSpec[],
): DatasetColumns {
  const builder = createDatasetColumnsBuilder(featureSubjects(features));
  const read = createRawFeatureReader(features);
  const row: RawValue[] = new Array<RawValue>(features.length).fill(null);
  for (const event of events) {
    read(event, row, 0);
    builder.add(row);
  }
  return builder.build();
}

/** Events [start, end) of `columns`. */
export function sliceDatasetColumns(
  columns: DatasetColumns,
  start: number,
  end: number,
): DatasetColumns {
  const from = Math.max(0, Math.min(start, columns.eventCount));
  const to = Math.max(from, Math.min(end, columns.eventCount));
  return {
    subjects: columns.subjects,
    eventCount: to - from,
    values: columns.values.map((column) => column.slice(from, to)),
  };
}

/** The histogram of events [start, end) of one column over `binning`. */
export function histogramOfColumn(
  binning: ReferenceBinning,
  column: readonly RawValue[],
  start = 0,
  end = column.length,
): FeatureHistogram {
  const compiled = compileBinning(binning);
  const histogram = createFeatureHistogram(binning);
  for (let e = start; e < end; e++) addRawValue(histogram, compiled, column[e] as RawValue);
  return histogram;
}
