/**
 * The `drift compare --json` document (docs/drift-compare-json.md) as a contract: its keys, their
 * order, their types, and its JSON round trip — checked on the fixture data, no Kafka, no model.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDriftReport,
  buildReferenceProfile,
  formatDriftReportTable,
  formatReferenceProfile,
  parseReferenceProfile,
  readJsonlDataset,
  type ReferenceProfile,
} from '../../../../src/drift/index.js';
import { type DatasetColumns } from '../../../../src/drift/reference/index.js';
import { type DriftReport } from '../../../../src/drift/report/index.js';
import { StreamscoreError } from '../../../../src/errors.js';
import { loadTopology } from '../../../../src/topology/index.js';
import { FIXTURES } from '../../../harness/drift-fixture-tolerance.js';

let profile: ReferenceProfile;
let current: DatasetColumns;
let report: DriftReport;

beforeAll(async () => {
  const topology = await loadTopology(join(FIXTURES, 'fixture-topology.yaml'), { env: {} });
  const reference = await readJsonlDataset(join(FIXTURES, 'reference.jsonl'), {
    features: topology.features,
  });
  profile = buildReferenceProfile(reference.columns, {
    topology: topology.name,
    data: { file: reference.file, sha256: reference.sha256 },
    calibration: { windowEvents: 300 },
  });
  current = (
    await readJsonlDataset(join(FIXTURES, 'cases', 'data-quality.jsonl'), {
      features: topology.features,
    })
  ).columns;
  report = buildDriftReport(profile, current, {
    reference: { kind: 'profile', file: 'reference.json' },
    current: { file: 'data-quality.jsonl', undecodableLines: 2, unscoredEvents: null },
  });
});

const SUBJECT_KEYS = [
  'name',
  'source',
  'origin',
  'kind',
  'level',
  'reason',
  'statistics',
  'dataQuality',
  'reference',
  'current',
  'bins',
];
const STATISTICS_KEYS = [
  'psi',
  'jensenShannon',
  'chiSquare',
  'ksD',
  'wasserstein',
  'wassersteinNormalised',
  'meanShift',
  'nullRateChange',
  'outOfRangeShare',
  'unseenShare',
];
const SIDE_KEYS = ['events', 'valid', 'null', 'nan', 'infinite', 'nullRate', 'mean', 'std'];

function numberOrNull(value: unknown): boolean {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

describe('drift compare --json', () => {
  it('has the documented keys, in the documented order', () => {
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'format',
      'version',
      'model',
      'reference',
      'current',
      'thresholds',
      'dataset',
      'subjects',
      'warnings',
    ]);
    expect(json.format).toBe('streamscore-drift-report');
    expect(json.version).toBe(1);
    expect(Object.keys(json.reference as object)).toEqual(['kind', 'file', 'events']);
    expect(Object.keys(json.current as object)).toEqual([
      'file',
      'events',
      'undecodableLines',
      'unscoredEvents',
    ]);
    expect(Object.keys(json.thresholds as object)).toEqual([
      'minEvents',
      'psi',
      'unseenShare',
      'nullRateChange',
      'outOfRangeShare',
      'falseDiscoveryRate',
      'datasetDriftShare',
    ]);
    expect(Object.keys(json.dataset as object)).toEqual([
      'level',
      'evaluatedFeatures',
      'driftedFeatures',
      'criticalFeatures',
      'driftedShare',
    ]);
    for (const subject of report.subjects) {
      expect(Object.keys(subject)).toEqual(SUBJECT_KEYS);
      expect(Object.keys(subject.statistics)).toEqual(STATISTICS_KEYS);
      if (subject.statistics.chiSquare !== null) {
        expect(Object.keys(subject.statistics.chiSquare)).toEqual([
          'statistic',
          'dof',
          'pValue',
          'pValueAdjusted',
        ]);
      }
      expect(Object.keys(subject.reference)).toEqual(SIDE_KEYS);
      expect(Object.keys(subject.current)).toEqual([
        ...SIDE_KEYS,
        'belowMin',
        'aboveMax',
        'unseen',
        'topUnseen',
      ]);
      expect(Object.keys(subject.bins)).toEqual([
        'edges',
        'decileEdgeIndices',
        'labels',
        'reference',
        'current',
      ]);
      for (const finding of subject.dataQuality) {
        expect(Object.keys(finding)).toEqual(['kind', 'level', 'value', 'threshold']);
      }
    }
    for (const warning of report.warnings) {
      expect(Object.keys(warning)).toEqual([
        'subject',
        'statistic',
        'warningThreshold',
        'percentile99',
        'windowEvents',
        'message',
      ]);
    }
  });

  it('uses null, never NaN or a missing key, for what cannot be computed', () => {
    const text = JSON.stringify(report);
    expect(JSON.parse(text)).toEqual(report);
    for (const subject of report.subjects) {
      const { chiSquare, ...scalars } = subject.statistics;
      for (const [key, value] of Object.entries(scalars)) {
        expect(numberOrNull(value), `${subject.name}.${key}`).toBe(true);
      }
      if (chiSquare !== null) {
        expect(Object.values(chiSquare).every(numberOrNull)).toBe(true);
      }
      if (subject.kind === 'categorical') {
        expect(subject.statistics.ksD).toBeNull();
        expect(subject.bins.edges).toBeNull();
        expect(subject.bins.labels?.slice(-2)).toEqual(['__OTHER__', '__UNSEEN__']);
      } else {
        expect(subject.statistics.unseenShare).toBeNull();
        expect(subject.bins.reference.fine).toHaveLength((subject.bins.edges?.length ?? 0) + 1);
      }
    }
  });

  it('reports the data-quality case: unseen categories, nulls and their top values', () => {
    const channel = report.subjects.find((subject) => subject.name === 'channel');
    // The two new values lead; rare reference-style values the reference happened to miss follow.
    expect(
      channel?.current.topUnseen
        .slice(0, 2)
        .map((entry) => entry.value)
        .sort(),
    ).toEqual(['bnpl', 'crypto']);
    expect(channel?.dataQuality.map((finding) => finding.kind)).toContain('unseen');
    const x = report.subjects.find((subject) => subject.name === 'x');
    expect(x?.current.null).toBeGreaterThan(0);
    expect(x?.current.nan).toBeGreaterThan(0);
    expect(x?.current.infinite).toBeGreaterThan(0);
  });

  it('prints a table worst first, with findings and warnings', () => {
    const table = formatDriftReportTable(report);
    const rows = table.split('\n');
    const header = rows.findIndex((row) => row.startsWith('SUBJECT'));
    expect(header).toBeGreaterThan(0);
    const levels = rows
      .slice(header + 1, header + 1 + report.subjects.length)
      .map((row) => row.split(/\s+/)[2]);
    const severity = { critical: 3, warning: 2, ok: 1, insufficient_data: 0 } as const;
    const order = levels.map((level) => severity[level as keyof typeof severity]);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(table).toContain('data quality (never a reason to retrain):');
    expect(table).toContain('top unseen values:');
    expect(table).toContain('2 undecodable lines');
  });
});

describe('the reference profile file', () => {
  it('round-trips byte for byte and compares identically after reading', () => {
    const text = formatReferenceProfile(profile);
    const restored = parseReferenceProfile(JSON.parse(text), 'reference.json');
    expect(formatReferenceProfile(restored)).toBe(text);
    expect(buildDriftReport(restored, current)).toEqual(buildDriftReport(profile, current));
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([
      'format',
      'version',
      'topology',
      'model',
      'data',
      'rules',
      'subjects',
      'calibration',
    ]);
  });

  it('refuses what it cannot read, with the file and the path in the message', () => {
    const document = JSON.parse(formatReferenceProfile(profile)) as {
      version: number;
      subjects: { reference: { bins: number[] } }[];
    };
    expect(() => parseReferenceProfile({ ...document, version: 2 }, 'p.json')).toThrow(
      /p\.json is not a reference profile this version reads: version/,
    );
    document.subjects[0]?.reference.bins.pop();
    expect(() => parseReferenceProfile(document, 'p.json')).toThrow(StreamscoreError);
    expect(() => parseReferenceProfile(document, 'p.json')).toThrow(
      /subjects\.0 \(x\): binning has/,
    );
  });
});
