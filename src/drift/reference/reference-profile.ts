/**
 * The reference profile: the immutable, versioned description of what "no drift" looks like
 * for one model version (docs/drift.md "Reference profile"). It is built offline from held-out data
 * read through the topology's feature spec and scored by the model itself, and it holds per
 * subject the frozen binning and the reference counts (the same `FeatureHistogram` the live
 * side keeps), plus the calibration percentiles.
 *
 * On disk (`models/<name>/<version>/reference.json`) it is JSON with a fixed key order, so a
 * rebuild from the same data and model is byte-identical. `format` names the file kind and
 * `version` its layout; a reader refuses versions it does not know.
 */
import { z } from 'zod';
import { StreamscoreError } from '../../errors.js';
import { binningForColumn } from './column-binning.js';
import { histogramOfColumn, type DatasetColumns } from './dataset-columns.js';
import {
  DEFAULT_BINNING_RULES,
  featureHistogramFromJson,
  featureHistogramToJson,
  fineBinCount,
  histogramEvents,
  histogramVariance,
  type BinningRules,
  type FeatureHistogram,
  type ReferenceBinning,
} from '../statistics/index.js';
import {
  calibrateProfile,
  CALIBRATED_STATISTICS,
  type CalibrationOptions,
  type ProfileCalibration,
} from './profile-calibration.js';
import type { ProfileSubject } from './profile-subjects.js';

export const REFERENCE_PROFILE_FORMAT = 'streamscore-reference-profile';
export const REFERENCE_PROFILE_VERSION = 1;

export interface ProfiledSubject extends ProfileSubject {
  readonly binning: ReferenceBinning;
  readonly reference: FeatureHistogram;
}

/** The model whose score the profile describes; drift compares only against the same model. */
export interface ProfileModel {
  readonly name: string;
  readonly version: number;
  readonly sha256: string;
  /** Score column, and the scored-event field it is written to (`fraud.probability`). */
  readonly score: { readonly output: string; readonly column: number; readonly field: string };
  readonly label: { readonly output: string; readonly field: string } | null;
}

/** Where the reference data came from. */
export interface ProfileData {
  /** File name (no directory, so the profile does not depend on where it was built). */
  readonly file: string | null;
  readonly sha256: string | null;
  readonly events: number;
  /** Lines that were not JSON; they are not events and are not counted anywhere else. */
  readonly undecodableLines: number;
  /** Events the model could not score (a required feature missing or invalid): null score. */
  readonly unscoredEvents: number | null;
}

export interface ReferenceProfile {
  readonly format: typeof REFERENCE_PROFILE_FORMAT;
  readonly version: typeof REFERENCE_PROFILE_VERSION;
  readonly topology: string | null;
  readonly model: ProfileModel | null;
  readonly data: ProfileData;
  readonly rules: BinningRules;
  readonly subjects: readonly ProfiledSubject[];
  readonly calibration: ProfileCalibration | null;
}

export interface BuildReferenceProfileOptions {
  readonly topology?: string | null;
  readonly model?: ProfileModel | null;
  readonly data?: Partial<ProfileData>;
  readonly rules?: BinningRules;
  /** Calibration settings, or null to skip calibration. */
  readonly calibration?: CalibrationOptions | null;
}

export function buildReferenceProfile(
  columns: DatasetColumns,
  options: BuildReferenceProfileOptions = {},
): ReferenceProfile {
  const rules = options.rules ?? DEFAULT_BINNING_RULES;
  const subjects = columns.subjects.map((subject, s): ProfiledSubject => {
    const values = columns.values[s] as (typeof columns.values)[number];
    const binning = binningForColumn(subject, values, rules);
    return { ...subject, binning, reference: histogramOfColumn(binning, values) };
  });
  return {
    format: REFERENCE_PROFILE_FORMAT,
    version: REFERENCE_PROFILE_VERSION,
    topology: options.topology ?? null,
    model: options.model ?? null,
    data: {
      file: options.data?.file ?? null,
      sha256: options.data?.sha256 ?? null,
      events: columns.eventCount,
      undecodableLines: options.data?.undecodableLines ?? 0,
      unscoredEvents: options.data?.unscoredEvents ?? null,
    },
    rules,
    subjects,
    calibration:
      options.calibration === null ? null : calibrateProfile(columns, rules, options.calibration),
  };
}

/** The profile as JSON data with a fixed key order (the on-disk layout). */
export function referenceProfileToJson(profile: ReferenceProfile): unknown {
  return {
    format: profile.format,
    version: profile.version,
    topology: profile.topology,
    model: profile.model,
    data: profile.data,
    rules: {
      categoricalMaxDistinct: profile.rules.categoricalMaxDistinct,
      vocabularyCoverage: profile.rules.vocabularyCoverage,
      vocabularyMaxSize: profile.rules.vocabularyMaxSize,
      otherValuesMaxSize: profile.rules.otherValuesMaxSize,
    },
    subjects: profile.subjects.map((subject) => ({
      name: subject.name,
      source: subject.source,
      origin: subject.origin,
      valueType: subject.valueType,
      binning: binningToJson(subject.binning),
      summary: referenceSummary(subject.reference),
      reference: featureHistogramToJson(subject.reference),
    })),
    calibration: profile.calibration,
  };
}

/** Human-readable facts derived from the counts; written for readers, ignored when parsed. */
function referenceSummary(histogram: FeatureHistogram) {
  const events = histogramEvents(histogram);
  const variance = histogramVariance(histogram);
  const rate = (count: number) => (events === 0 ? null : count / events);
  return {
    events,
    mean: histogram.momentCount === 0 ? null : histogram.mean,
    variance,
    std: variance === null ? null : Math.sqrt(variance),
    nullRate: rate(histogram.nullCount),
    nanRate: rate(histogram.nanCount),
    infiniteRate: rate(histogram.infiniteCount),
  };
}

function binningToJson(binning: ReferenceBinning) {
  return binning.kind === 'numeric'
    ? {
        kind: binning.kind,
        edges: binning.edges,
        decileEdgeIndices: binning.decileEdgeIndices,
        min: binning.min,
        max: binning.max,
      }
    : {
        kind: binning.kind,
        valueType: binning.valueType,
        vocabulary: binning.vocabulary,
        otherValues: binning.otherValues,
      };
}

/** Serialised profile text: two-space JSON with a final newline. */
export function formatReferenceProfile(profile: ReferenceProfile): string {
  return `${JSON.stringify(referenceProfileToJson(profile), null, 2)}\n`;
}

const count = () => z.number().int().nonnegative();
const finite = () => z.number().refine(Number.isFinite, 'a finite number');

const binningSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('numeric'),
    edges: z.array(finite()).min(1),
    decileEdgeIndices: z.array(z.number().int().nonnegative()),
    min: finite(),
    max: finite(),
  }),
  z.object({
    kind: z.literal('categorical'),
    valueType: z.enum(['category', 'number']),
    vocabulary: z.array(z.string()),
    otherValues: z.array(z.string()).nullable(),
  }),
]);

const histogramSchema = z.object({
  bins: z.array(count()),
  valid: count(),
  null: count(),
  nan: count(),
  infinite: count(),
  belowMin: count(),
  aboveMax: count(),
  moments: z.object({ count: count(), mean: finite(), m2: finite() }),
  unseenValues: z.array(z.object({ value: z.string(), count: count() })),
});

const percentileSchema = z.number().nullable();

const profileSchema = z.object({
  format: z.literal(REFERENCE_PROFILE_FORMAT),
  version: z.literal(REFERENCE_PROFILE_VERSION),
  topology: z.string().nullable(),
  model: z
    .object({
      name: z.string(),
      version: z.number().int().positive(),
      sha256: z.string(),
      score: z.object({ output: z.string(), column: count(), field: z.string() }),
      label: z.object({ output: z.string(), field: z.string() }).nullable(),
    })
    .nullable(),
  data: z.object({
    file: z.string().nullable(),
    sha256: z.string().nullable(),
    events: count(),
    undecodableLines: count(),
    unscoredEvents: count().nullable(),
  }),
  rules: z.object({
    categoricalMaxDistinct: count(),
    vocabularyCoverage: z.number().gt(0).max(1),
    vocabularyMaxSize: count(),
    otherValuesMaxSize: count(),
  }),
  subjects: z.array(
    z.object({
      name: z.string().min(1),
      source: z.enum(['feature', 'score', 'label']),
      origin: z.string(),
      valueType: z.enum(['number', 'category']),
      binning: binningSchema,
      reference: histogramSchema,
    }),
  ),
  calibration: z
    .object({
      fitPercent: z.number().int().min(1).max(99),
      fitEvents: count(),
      replayEvents: count(),
      windowEvents: z.number().int().positive(),
      windows: count(),
      percentile: z.number(),
      subjects: z.record(
        z.string(),
        z.object(
          Object.fromEntries(CALIBRATED_STATISTICS.map((name) => [name, percentileSchema])) as {
            [K in (typeof CALIBRATED_STATISTICS)[number]]: typeof percentileSchema;
          },
        ),
      ),
    })
    .nullable(),
});

/** Validates profile JSON (already parsed); `source` names the file in errors. */
export function parseReferenceProfile(json: unknown, source: string): ReferenceProfile {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new StreamscoreError(
      'PROFILE_INVALID',
      `${source} is not a reference profile this version reads: ${issues.join('; ')}`,
      { context: { file: source } },
    );
  }
  const document = parsed.data;
  const subjects = document.subjects.map((subject, index): ProfiledSubject => {
    const binning = subject.binning as ReferenceBinning;
    const problem = binningProblem(binning, subject.reference.bins.length);
    if (problem !== undefined) {
      throw new StreamscoreError(
        'PROFILE_INVALID',
        `${source}: subjects.${index} (${subject.name}): ${problem}`,
        { context: { file: source, subject: subject.name } },
      );
    }
    return {
      name: subject.name,
      source: subject.source,
      origin: subject.origin,
      valueType: subject.valueType,
      binning,
      reference: featureHistogramFromJson(subject.reference),
    };
  });
  return {
    format: document.format,
    version: document.version,
    topology: document.topology,
    model: document.model,
    data: document.data,
    rules: document.rules,
    subjects,
    calibration: document.calibration,
  };
}

function binningProblem(binning: ReferenceBinning, bins: number): string | undefined {
  if (fineBinCount(binning) !== bins) {
    return `binning has ${fineBinCount(binning)} bins but the reference counts ${bins}`;
  }
  if (binning.kind === 'numeric') {
    const { edges, decileEdgeIndices } = binning;
    for (let i = 1; i < edges.length; i++) {
      if (!((edges[i] as number) > (edges[i - 1] as number))) {
        return `edges are not strictly increasing at ${i}`;
      }
    }
    for (let i = 0; i < decileEdgeIndices.length; i++) {
      const index = decileEdgeIndices[i] as number;
      if (index >= edges.length || (i > 0 && index <= (decileEdgeIndices[i - 1] as number))) {
        return `decileEdgeIndices must increase strictly and point into edges`;
      }
    }
    if (!(binning.min <= binning.max)) return 'min is above max';
  }
  return undefined;
}

/**
 * Refuses a profile built for another feature spec or model: comparing against it would
 * report the difference between two pipelines as drift. `source` names the profile file.
 */
export function checkProfileMatches(
  profile: ReferenceProfile,
  expected: { readonly subjects: readonly ProfileSubject[]; readonly model: ProfileModel | null },
  source: string,
): void {
  const describe = (subject: ProfileSubject) =>
    `${subject.name} (${subject.source}, ${subject.valueType}, ${subject.origin})`;
  const problems: string[] = [];
  const profiled = profile.subjects.map(describe);
  const wanted = expected.subjects.map(describe);
  const length = Math.max(profiled.length, wanted.length);
  for (let i = 0; i < length; i++) {
    if (profiled[i] !== wanted[i]) {
      problems.push(
        `subject ${i} is ${profiled[i] ?? '(none)'} in the profile, ${wanted[i] ?? '(none)'} here`,
      );
    }
  }
  const { model } = profile;
  if (model !== null && expected.model !== null) {
    if (
      model.name !== expected.model.name ||
      model.version !== expected.model.version ||
      model.sha256 !== expected.model.sha256
    ) {
      problems.push(
        `the profile was built with model ${model.name}@${model.version} (sha256 ${model.sha256.slice(0, 12)}…), ` +
          `the topology scores with ${expected.model.name}@${expected.model.version} (sha256 ${expected.model.sha256.slice(0, 12)}…)`,
      );
    }
  }
  if (problems.length > 0) {
    throw new StreamscoreError(
      'PROFILE_INVALID',
      `${source} does not match this topology and model: ${problems.slice(0, 5).join('; ')}`,
      { context: { file: source } },
    );
  }
}
