/**
 * The decision rule's knobs (docs/drift.md "Decision rule"), with the specification's defaults.
 * A breach needs three things at once — enough events, a large enough effect, and a χ²
 * p-value that survives Benjamini–Hochberg — because effect sizes alone fire on noise in
 * small windows and p-values alone fire on trivia in large ones.
 */

export interface LevelThresholds {
  readonly warning: number;
  readonly critical: number;
}

export interface DriftThresholds {
  /** A window with fewer events is `insufficient_data`; configurable down to 200, not below. */
  readonly minEvents: number;
  /** Effect size of distribution drift (features, score and label). */
  readonly psi: LevelThresholds;
  /** Data quality: share of valid values never seen in the reference (categorical). */
  readonly unseenShare: LevelThresholds;
  /** Data quality: |change| in the share of events without a usable value. */
  readonly nullRateChange: LevelThresholds;
  /** Data quality: share of valid values outside the reference [min, max] (numeric). */
  readonly outOfRangeShare: LevelThresholds;
  /** q of Benjamini–Hochberg across the model's subjects. */
  readonly falseDiscoveryRate: number;
  /** Dataset-level drift when at least this share of the evaluated features drifts. */
  readonly datasetDriftShare: number;
}

/** The lowest `minEvents` may go: below it no statistic here is worth an alert. */
export const MIN_EVENTS_HARD_FLOOR = 200;

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = Object.freeze({
  minEvents: 1000,
  psi: Object.freeze({ warning: 0.1, critical: 0.25 }),
  unseenShare: Object.freeze({ warning: 0.01, critical: 0.05 }),
  nullRateChange: Object.freeze({ warning: 0.05, critical: 0.2 }),
  outOfRangeShare: Object.freeze({ warning: 0.01, critical: 0.05 }),
  falseDiscoveryRate: 0.01,
  datasetDriftShare: 0.5,
});

/** Defaults overridden by `overrides`, checked; throws a RangeError naming the bad setting. */
export function resolveDriftThresholds(overrides: Partial<DriftThresholds> = {}): DriftThresholds {
  const thresholds: DriftThresholds = { ...DEFAULT_DRIFT_THRESHOLDS, ...overrides };
  if (!Number.isInteger(thresholds.minEvents) || thresholds.minEvents < MIN_EVENTS_HARD_FLOOR) {
    throw new RangeError(
      `minEvents must be an integer >= ${MIN_EVENTS_HARD_FLOOR}, got ${thresholds.minEvents}`,
    );
  }
  for (const name of ['psi', 'unseenShare', 'nullRateChange', 'outOfRangeShare'] as const) {
    const { warning, critical } = thresholds[name];
    if (!(warning > 0) || !(critical >= warning)) {
      throw new RangeError(
        `${name} thresholds need 0 < warning <= critical, got warning ${warning}, critical ${critical}`,
      );
    }
  }
  if (!(thresholds.falseDiscoveryRate > 0 && thresholds.falseDiscoveryRate < 1)) {
    throw new RangeError(
      `falseDiscoveryRate must be in (0, 1), got ${thresholds.falseDiscoveryRate}`,
    );
  }
  if (!(thresholds.datasetDriftShare > 0 && thresholds.datasetDriftShare <= 1)) {
    throw new RangeError(
      `datasetDriftShare must be in (0, 1], got ${thresholds.datasetDriftShare}`,
    );
  }
  return thresholds;
}
