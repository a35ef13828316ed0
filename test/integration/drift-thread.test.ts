/**
 * `streamscore run` with drift enabled runs the drift side stream in a worker thread of the
 * scoring process: one admin server shows both halves (metrics, readiness, /drift), a drift
 * start-up error still stops the process with its message, and SIGTERM stops both cleanly.
 * Needs the built CLI (`npm test` builds first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { DriftPageView } from '../../src/drift/page/index.js';
import { writeDriftTopology } from '../harness/drift-fixtures.js';
import { createTestKafka, uniqueName } from '../harness/kafka-test-helpers.js';
import { startScorerProcess } from '../harness/scorer-process.js';
import {
  createScoringTopics,
  fraudTopologyEnv,
  generateTransactions,
  produceRoundRobin,
} from '../harness/scoring-fixtures.js';
import { waitFor } from '../harness/wait-for.js';

const brokers = inject('kafkaBrokers');
const kafka = createTestKafka(brokers);
const EVENTS = 3_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function driftTopology(label: string, settings: Record<string, unknown> = {}) {
  const topics = await createScoringTopics(brokers, label, 2);
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-drift-thread-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = await writeDriftTopology(dir, {
    name: uniqueName(label),
    windowMs: 1_000,
    flushIntervalMs: 200,
    settings,
  });
  return { file, topics, env: fraudTopologyEnv(brokers, topics) };
}

describe('the drift side stream in a worker thread of `streamscore run`', () => {
  it('counts what the process scores, behind one admin server, and stops with it', async () => {
    const { file, topics, env } = await driftTopology('drift-thread', {
      evaluation: {
        fast: { windowMs: 4_000, everyMs: 1_000 },
        slow: { windowMs: 8_000, everyMs: 2_000 },
      },
    });
    const scorer = await startScorerProcess(file, env);
    cleanups.push(async () => {
      scorer.child.kill('SIGKILL');
      await scorer.exited;
    });
    await scorer.waitReady(90_000);
    const values = generateTransactions(EVENTS).map((event) => JSON.stringify(event));
    await produceRoundRobin(kafka, topics.input, 2, values);

    await waitFor(
      async () => (await scorer.metric('streamscore_drift_events_counted_total')) === EVENTS,
      'the drift thread to count every scored event',
      60_000,
    );
    expect(await scorer.metric('streamscore_events_scored_total')).toBe(EVENTS);

    // Scoring, process and drift metrics in one exposition, each family once.
    const metrics = await scorer.get('/metrics');
    const families = [...metrics.text.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]);
    expect(families).toEqual(
      expect.arrayContaining([
        'streamscore_events_scored_total',
        'streamscore_process_process_resident_memory_bytes',
        'streamscore_drift_events_counted_total',
        'streamscore_drift_evaluating',
      ]),
    );
    expect(new Set(families).size).toBe(families.length);

    // The thread's /drift data, through the scoring process's admin server.
    await waitFor(
      async () => {
        const page = await scorer.get('/drift.json');
        return page.status === 200 && (JSON.parse(page.text) as DriftPageView).evaluation !== null;
      },
      'a drift evaluation on /drift.json',
      30_000,
    );
    const page = JSON.parse((await scorer.get('/drift.json')).text) as DriftPageView;
    expect(page.model.name).toBe('fraud');
    expect(page.evaluation?.subjects.map((subject) => subject.name)).toContain('amount_log');
    expect((await scorer.get('/drift')).status).toBe(200);

    scorer.child.kill('SIGTERM');
    expect(await scorer.exited).toBe(0);
    expect(scorer.output()).not.toMatch(/"level":(50|60)/);
    // The thread logs as the process does: its bindings, each key once.
    const threadLines = scorer
      .output()
      .split('\n')
      .filter((line) => line.includes('"thread":"drift"'));
    expect(threadLines.length).toBeGreaterThan(0);
    for (const line of threadLines) {
      expect(line.match(/"name":/g)).toHaveLength(1);
      expect(line.match(/"pid":/g)).toHaveLength(1);
      expect(line).toContain('"topology":');
    }
  }, 180_000);

  it('stops the process with the drift thread’s start-up error', async () => {
    const missing = '/nonexistent/reference.json';
    const { file, env } = await driftTopology('drift-thread-bad', { reference: missing });
    const scorer = await startScorerProcess(file, env);
    // PROFILE_INVALID is an input error: restarting unchanged fails alike.
    expect(await scorer.exited).toBe(2);
    expect(scorer.output()).toContain(`cannot read the drift reference profile ${missing}`);
  }, 60_000);
});
