/** One benchmark scenario: what it is called, how it measures, and the measuring itself. */
import type { BenchContext } from '../bench-context.js';
import type { ResultOf, ScenarioId } from '../bench-results.js';

/** The fields a scenario measures; the runner adds the common ones (title, timing, status). */
export type Measured<Id extends ScenarioId> = Omit<
  ResultOf<Id>,
  'scenario' | 'title' | 'startedAt' | 'durationSeconds' | 'quick' | 'status' | 'reason' | 'method'
>;

export interface Scenario<Id extends ScenarioId = ScenarioId> {
  readonly id: Id;
  readonly title: string;
  /** How it measures, in a sentence or two: goes into the JSON and the report. */
  readonly method: string;
  run(context: BenchContext): Promise<Measured<Id>>;
}

/** Thrown by a scenario that cannot run here (no GPU, no Python); it is recorded as skipped. */
export class ScenarioSkipped extends Error {
  override readonly name = 'ScenarioSkipped';
}
