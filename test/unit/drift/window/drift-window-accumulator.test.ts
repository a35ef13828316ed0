import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDriftWindowAccumulator,
  createHistogramCounterLayout,
  driftWindowKey,
  histogramsFromCounters,
  mergeCountUpdates,
  referenceBinningId,
  windowsStartingIn,
  type DriftWindowAccumulator,
  type DriftWindowing,
} from '../../../../src/drift/window/index.js';
import { histogramEvents, type LiveReferenceProfile } from '../../../../src/drift/index.js';
import type { CountUpdate } from '../../../../src/state/index.js';
import type { FeatureSpec } from '../../../../src/topology/index.js';
import {
  fraudFeatures,
  fraudLiveProfile,
  scoredFraudEvents,
} from '../../../harness/scored-events.js';

let profile: LiveReferenceProfile;
let features: readonly FeatureSpec[];
let windowing: DriftWindowing;

const WINDOW_MS = 60_000;
const START_MS = Date.UTC(2026, 10, 23, 10, 0, 0);

beforeAll(async () => {
  profile = await fraudLiveProfile();
  features = await fraudFeatures();
  windowing = {
    model: 'fraud@1',
    binningId: referenceBinningId(profile.subjects),
    windowMs: WINDOW_MS,
  };
});

function accumulator(): DriftWindowAccumulator {
  return createDriftWindowAccumulator({
    topic: 'scored',
    features,
    model: profile.model,
    subjects: profile.subjects,
    windowing,
  });
}

const windowKey = (minute: number) => driftWindowKey(windowing, START_MS / WINDOW_MS + minute);

function eventsOf(update: CountUpdate, key: string): number {
  const counters = update.windows.get(key);
  if (counters === undefined) return 0;
  const layout = createHistogramCounterLayout(profile.subjects);
  const histograms = histogramsFromCounters(layout, counters, key);
  return histogramEvents(histograms.get('__score__')!);
}

describe('drift window accumulator', () => {
  it('names windows by model, reference, length and start', () => {
    expect(driftWindowKey(windowing, START_MS / WINDOW_MS)).toBe(
      `fraud@1/${windowing.binningId}/60000/2026-11-23T10:00:00.000Z`,
    );
    expect(windowing.binningId).toMatch(/^[0-9a-f]{12}$/);
    expect(windowsStartingIn(10, 15, 50)).toEqual([2, 3, 4]);
    expect(windowsStartingIn(10, 20, 21)).toEqual([2]);
    expect(windowsStartingIn(10, 20, 20)).toEqual([]);
  });

  it('gives another reference id to another binning, the same to the same one', () => {
    const same = referenceBinningId(profile.subjects.map((subject) => ({ ...subject })));
    expect(same).toBe(windowing.binningId);
    const rebinned = profile.subjects.map((subject) =>
      subject.binning.kind === 'numeric'
        ? { ...subject, binning: { ...subject.binning, edges: subject.binning.edges.slice(1) } }
        : subject,
    );
    expect(referenceBinningId(rebinned)).not.toBe(windowing.binningId);
  });

  it('counts events into tumbling event-time windows, one update per partition', () => {
    const events = scoredFraudEvents(900, { seed: 3, startMs: START_MS, spacingMs: 200 });
    const counting = accumulator();
    // Partition p holds events p, p + 3, …; its offsets start at 100 · p.
    events.forEach(({ event, timestampMs }, index) => {
      const partition = index % 3;
      counting.add(partition, 100 * partition + Math.floor(index / 3), timestampMs, event);
    });
    const updates = counting.flush().sort((a, b) => a.source.partition - b.source.partition);
    expect(updates.map((update) => update.source)).toEqual([
      { topic: 'scored', partition: 0, firstOffset: 0, lastOffset: 299 },
      { topic: 'scored', partition: 1, firstOffset: 100, lastOffset: 399 },
      { topic: 'scored', partition: 2, firstOffset: 200, lastOffset: 499 },
    ]);
    // 200 ms apart: 300 events a minute, minutes 0, 1 and 2.
    for (const update of updates) {
      expect([...update.windows.keys()]).toEqual([windowKey(0), windowKey(1), windowKey(2)]);
      for (const minute of [0, 1, 2]) expect(eventsOf(update, windowKey(minute))).toBe(100);
    }
    expect(counting.flush()).toEqual([]);
  });

  it('reads the score and label from the fields the profile names', () => {
    const counting = accumulator();
    const [scored] = scoredFraudEvents(1, { seed: 1, startMs: START_MS, spacingMs: 1 });
    const event = scored!.event;
    counting.add(0, 0, START_MS, { ...event, fraud: { probability: 0.25, label: 0 } });
    counting.add(0, 1, START_MS, { ...event, fraud: { probability: 'high' } });
    counting.add(0, 2, START_MS, { ...event, fraud: undefined });
    const [update] = counting.flush();
    const layout = createHistogramCounterLayout(profile.subjects);
    const histograms = histogramsFromCounters(layout, update!.windows.get(windowKey(0))!, 'w');
    const score = histograms.get('__score__')!;
    expect([score.validCount, score.nanCount, score.nullCount]).toEqual([1, 1, 1]);
    expect(score.mean).toBeCloseTo(0.25, 12);
    const label = histograms.get('__label__')!;
    expect(Array.from(label.binCounts)).toEqual([1, 0, 0, 0]);
    expect(label.nullCount).toBe(2);
  });

  it('moves the range over skipped records, and sends a range of skipped records alone', () => {
    const counting = accumulator();
    const [scored] = scoredFraudEvents(1, { seed: 1, startMs: START_MS, spacingMs: 1 });
    counting.skip(0, 10);
    counting.add(0, 11, START_MS, scored!.event);
    counting.skip(0, 12);
    counting.skip(1, 5);
    const updates = counting.flush().sort((a, b) => a.source.partition - b.source.partition);
    expect(updates.map((update) => update.source)).toEqual([
      { topic: 'scored', partition: 0, firstOffset: 10, lastOffset: 12 },
      { topic: 'scored', partition: 1, firstOffset: 5, lastOffset: 5 },
    ]);
    expect(eventsOf(updates[0]!, windowKey(0))).toBe(1);
    expect(updates[1]!.windows.size).toBe(0);
  });

  it('drops one partition on discard and keeps the others', () => {
    const counting = accumulator();
    const events = scoredFraudEvents(4, { seed: 1, startMs: START_MS, spacingMs: 1 });
    events.forEach(({ event }, index) => counting.add(index % 2, index, START_MS, event));
    counting.discard(0);
    expect(counting.flush().map((update) => update.source.partition)).toEqual([1]);
  });

  it('goes back to an earlier window for a late event', () => {
    const counting = accumulator();
    const events = scoredFraudEvents(3, { seed: 1, startMs: START_MS, spacingMs: 1 });
    counting.add(0, 0, START_MS, events[0]!.event);
    counting.add(0, 1, START_MS + WINDOW_MS, events[1]!.event);
    counting.add(0, 2, START_MS + 5, events[2]!.event);
    const [update] = counting.flush();
    expect(eventsOf(update!, windowKey(0))).toBe(2);
    expect(eventsOf(update!, windowKey(1))).toBe(1);
  });

  it('merges two consecutive updates into one covering both ranges', () => {
    const update = (first: number, last: number, counters: Record<string, number>) => ({
      source: { topic: 'scored', partition: 4, firstOffset: first, lastOffset: last },
      windows: new Map([['w', new Map(Object.entries(counters))]]),
    });
    const merged = mergeCountUpdates(update(0, 9, { a: 1, b: 2 }), update(10, 19, { a: 3 }));
    expect(merged.source).toEqual({
      topic: 'scored',
      partition: 4,
      firstOffset: 0,
      lastOffset: 19,
    });
    expect(Object.fromEntries(merged.windows.get('w')!)).toEqual({ a: 4, b: 2 });
  });

  it('refuses subjects that are not the features, the score and the label', () => {
    expect(() =>
      createDriftWindowAccumulator({
        topic: 'scored',
        features,
        model: profile.model,
        subjects: profile.subjects.slice(0, -1),
        windowing,
      }),
    ).toThrow(/live profile holds the 8 features/);
  });
});
