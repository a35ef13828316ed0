/**
 * The demo's variant of a topology: the same file with the drift side stream on at demo speed,
 * so a drift shows, fires, pages and asks for retraining within a minute instead of hours.
 * Validated like any topology file (the settings are applied to the YAML before loading).
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { parseTopology, type Environment, type Topology } from '../../src/topology/index.js';

/**
 * One-second count windows; the fast evaluation over 4 s every second (3 breaching of the last
 * 4 fire), the slow one over 20 s every 5 s; notifications 2 s after the first news; a
 * retraining request after 5 s at critical. Without `drift.redisUrl` the counts stay in this
 * one process, which evaluates.
 */
export const DEMO_DRIFT_SETTINGS: Readonly<Record<string, unknown>> = Object.freeze({
  enabled: true,
  windowMs: 1_000,
  flushIntervalMs: 250,
  evaluation: {
    fast: { windowMs: 4_000, everyMs: 1_000 },
    slow: { windowMs: 20_000, everyMs: 5_000 },
  },
  alerting: { groupWaitMs: 2_000, groupIntervalMs: 10_000, repeatIntervalMs: 600_000 },
  retrain: { sustainMs: 5_000, cooldownMs: 3_600_000 },
});

/**
 * `file` with `DEMO_DRIFT_SETTINGS` over its `drift` mapping, loaded and validated; given a
 * `runId`, every topic and the consumer group get `.<runId>` appended, so a run on a reused
 * stack starts empty: no events, offsets or alert states of an earlier run (the alert topic is
 * read back at start) leak into its numbers.
 */
export async function loadDemoTopology(
  file: string,
  env: Environment,
  runId?: string,
): Promise<Topology> {
  const document = parseDocument(await readFile(file, 'utf8'));
  for (const [key, value] of Object.entries(DEMO_DRIFT_SETTINGS)) {
    document.setIn(['drift', key], value);
  }
  const shared = parseTopology(document.toString(), file, { env });
  if (runId === undefined) return shared;
  // The names as the file resolves them (placeholders, defaults), made the run's own.
  const own = (name: string) => `${name}.${runId}`;
  document.setIn(['input', 'topic'], own(shared.input.topic));
  document.setIn(['input', 'groupId'], own(shared.input.groupId));
  document.setIn(['output', 'topic'], own(shared.output.topic));
  document.setIn(['deadLetter', 'topic'], own(shared.deadLetter.topic));
  document.setIn(['drift', 'alertTopic'], own(shared.drift.alertTopic));
  document.setIn(['drift', 'retrainTopic'], own(shared.drift.retrainTopic));
  return parseTopology(document.toString(), file, { env });
}
