/**
 * What an evaluator taking over (after a restart, or from an instance that stopped or died)
 * needs to know of the ones before it, read back from the drift topics: the latest record of
 * each alert on the compacted alert topic, and the retraining requests on the retrain topic.
 * With it the new evaluator carries on — a FIRING alert stays FIRING without paging again, a
 * resolution is still announced, and the retrain cooldown and idempotency keys hold — instead
 * of starting every alert from OK.
 *
 * Records of other models, versions or reference profiles, and records this version of
 * streamscore cannot read, are passed over: the history is advice, and the worst a missing
 * entry does is page once more.
 */
import { z } from 'zod';
import { EVALUATION_SCOPES, type AlertIdentity, type DriftAlert } from './alert-state-machine.js';
import type { DriftReportStatistics } from '../report/index.js';
import type { DatasetVerdict } from '../statistics/index.js';

/** A retraining request already made: it holds the cooldown and its key. */
export interface PastRetrainRequest {
  readonly idempotencyKey: string;
  readonly requestedAtMs: number;
}

export interface DriftHistory {
  /** The latest state of each alert of the identity that was not OK, in no particular order. */
  readonly alerts: readonly DriftAlert[];
  readonly retrainRequests: readonly PastRetrainRequest[];
}

export const EMPTY_DRIFT_HISTORY: DriftHistory = Object.freeze({ alerts: [], retrainRequests: [] });

const isoTime = z.iso.datetime().transform((text) => Date.parse(text));
const windowSchema = z.object({ scope: z.enum(EVALUATION_SCOPES), from: isoTime, to: isoTime });
const alertState = z.enum(['OK', 'PENDING', 'FIRING', 'RESOLVING', 'INSUFFICIENT_DATA']);
const breachLevel = z.enum(['warning', 'critical']);

/** The alert topic's record value (driftAlertToJson), as far as carrying an alert on needs. */
const alertRecordSchema = z.object({
  fingerprint: z.string(),
  class: z.enum(['drift', 'data_quality']),
  model: z.string(),
  version: z.number(),
  reference: z.string(),
  scope: z.enum(EVALUATION_SCOPES),
  subject: z.string(),
  source: z.enum(['feature', 'score', 'label', 'dataset']),
  check: z.enum(['drift', 'null_rate', 'unseen', 'out_of_range']),
  state: alertState,
  previousState: alertState,
  heldState: alertState.exclude(['INSUFFICIENT_DATA']),
  level: breachLevel.nullable(),
  value: z.number().nullable(),
  thresholds: z.object({
    warning: z.number(),
    critical: z.number(),
    minEvents: z.number(),
    falseDiscoveryRate: z.number().nullable(),
    resolveBelow: z.number(),
  }),
  window: windowSchema,
  evaluatedAt: isoTime,
  stateSince: isoTime,
  recentBreaches: z.number().int().nonnegative(),
  firingSince: isoTime.nullable(),
  criticalSince: isoTime.nullable(),
  firstFiringWindow: windowSchema.nullable(),
  reason: z.string(),
  samples: z.object({ reference: z.number(), current: z.number() }),
  // Evidence for a person, shown as it was written.
  statistics: z.unknown(),
  dataset: z.unknown(),
  topUnseen: z.array(z.object({ value: z.string(), count: z.number() })),
  reportUrl: z.string(),
});

const retrainRecordSchema = z.object({
  idempotencyKey: z.string(),
  model: z.object({ name: z.string(), version: z.number() }),
  reference: z.string(),
  requestedAt: isoTime,
});

/**
 * The history in the drift topics' record values, each topic's in offset order (the alert
 * topic is keyed by fingerprint, so each alert's records are in one partition, in order).
 */
export function driftHistoryFromRecords(
  identity: AlertIdentity,
  records: {
    readonly alerts: readonly (string | null)[];
    readonly retrainRequests: readonly (string | null)[];
  },
): DriftHistory {
  const latest = new Map<string, DriftAlert>();
  for (const value of records.alerts) {
    const alert = parseRecord(value, alertRecordSchema);
    if (alert === undefined || !sameIdentity(identity, alert)) continue;
    latest.set(alert.fingerprint, alertFromRecord(alert));
  }
  const retrainRequests: PastRetrainRequest[] = [];
  for (const value of records.retrainRequests) {
    const request = parseRecord(value, retrainRecordSchema);
    if (request === undefined) continue;
    const { model, reference } = request;
    if (!sameIdentity(identity, { model: model.name, version: model.version, reference })) {
      continue;
    }
    retrainRequests.push({
      idempotencyKey: request.idempotencyKey,
      requestedAtMs: request.requestedAt,
    });
  }
  return {
    alerts: [...latest.values()].filter((alert) => alert.heldState !== 'OK'),
    retrainRequests,
  };
}

function parseRecord<T>(value: string | null, schema: z.ZodType<T>): T | undefined {
  if (value === null) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(document);
  return parsed.success ? parsed.data : undefined;
}

function sameIdentity(identity: AlertIdentity, other: AlertIdentity): boolean {
  return (
    identity.model === other.model &&
    identity.version === other.version &&
    identity.reference === other.reference
  );
}

function alertFromRecord(record: z.infer<typeof alertRecordSchema>): DriftAlert {
  const toWindow = ({ scope, from, to }: z.infer<typeof windowSchema>) => ({
    scope,
    fromMs: from,
    toMs: to,
  });
  return {
    model: record.model,
    version: record.version,
    reference: record.reference,
    scope: record.scope,
    subject: record.subject,
    check: record.check,
    fingerprint: record.fingerprint,
    alertClass: record.class,
    source: record.source,
    state: record.state,
    previousState: record.previousState,
    heldState: record.heldState,
    level: record.level,
    value: record.value,
    thresholds: record.thresholds,
    window: toWindow(record.window),
    evaluatedAtMs: record.evaluatedAt,
    stateSinceMs: record.stateSince,
    recentBreaches: record.recentBreaches,
    firingSinceMs: record.firingSince,
    criticalSinceMs: record.criticalSince,
    firstFiringWindow: record.firstFiringWindow && toWindow(record.firstFiringWindow),
    evidence: {
      reason: record.reason,
      samples: record.samples,
      statistics: record.statistics as DriftReportStatistics | null,
      dataset: record.dataset as DatasetVerdict | null,
      topUnseen: record.topUnseen,
    },
    reportUrl: record.reportUrl,
  };
}
