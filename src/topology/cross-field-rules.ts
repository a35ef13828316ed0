/** Rules that span several fields, checked after the schema has accepted each field alone. */
import { featureSpecIssues } from '../features/index.js';
import { duplicateIssues, formatDocumentPath, type DocumentIssue } from '../schema/index.js';
import type { TopologyDocument } from './topology-schema.js';

export type RuleIssue = DocumentIssue;

export function crossFieldIssues(
  topology: TopologyDocument,
  interpolatedPaths: ReadonlySet<string>,
): RuleIssue[] {
  return [
    ...duplicateIssues(
      topology.model.outputs.map((output) => output.field),
      (index) => ['model', 'outputs', index, 'field'],
      'output field',
    ),
    ...(topology.features === undefined ? [] : featureSpecIssues(topology.features, ['features'])),
    ...topicRules(topology),
    ...batchingRules(topology),
    ...driftRules(topology),
    ...secretRules(topology, interpolatedPaths),
  ];
}

function topicRules(topology: TopologyDocument): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const input = topology.input.topic;
  if (topology.output.topic === input) {
    issues.push({
      at: ['output', 'topic'],
      message: `must differ from input.topic ("${input}"): scoring would read its own output`,
    });
  }
  if (topology.deadLetter.topic === input || topology.deadLetter.topic === topology.output.topic) {
    issues.push({
      at: ['deadLetter', 'topic'],
      message: 'must differ from input.topic and output.topic',
    });
  }
  return issues;
}

function batchingRules(topology: TopologyDocument): RuleIssue[] {
  const { maxBatchSize, preferredBatchSizes, maxQueuedEvents } = topology.batching;
  const queueIssues: RuleIssue[] =
    maxQueuedEvents < maxBatchSize
      ? [
          {
            at: ['batching', 'maxQueuedEvents'],
            message: `${maxQueuedEvents} is below batching.maxBatchSize (${maxBatchSize}): a batch could never fill`,
          },
        ]
      : [];
  return queueIssues.concat(
    preferredBatchSizes.flatMap((size, index) =>
      size > maxBatchSize
        ? [
            {
              at: ['batching', 'preferredBatchSizes', index],
              message: `${size} is above batching.maxBatchSize (${maxBatchSize})`,
            },
          ]
        : [],
    ),
  );
}

/**
 * Evaluation windows are whole numbers of count windows, and slow evaluations land on fast
 * ones (so one evaluation round can group both into one notification).
 */
function driftRules(topology: TopologyDocument): RuleIssue[] {
  const { drift } = topology;
  const issues: RuleIssue[] = [];
  for (const scope of ['fast', 'slow'] as const) {
    for (const field of ['windowMs', 'everyMs'] as const) {
      const value = drift.evaluation[scope][field];
      if (value % drift.windowMs !== 0) {
        issues.push({
          at: ['drift', 'evaluation', scope, field],
          message: `${value} is not a multiple of drift.windowMs (${drift.windowMs})`,
        });
      }
    }
  }
  const { fast, slow } = drift.evaluation;
  if (slow.everyMs % fast.everyMs !== 0) {
    issues.push({
      at: ['drift', 'evaluation', 'slow', 'everyMs'],
      message: `${slow.everyMs} is not a multiple of drift.evaluation.fast.everyMs (${fast.everyMs})`,
    });
  }
  for (const name of ['psi', 'unseenShare', 'nullRateChange', 'outOfRangeShare'] as const) {
    const { warning, critical } = drift.thresholds[name];
    if (critical < warning) {
      issues.push({
        at: ['drift', 'thresholds', name, 'critical'],
        message: `${critical} is below the warning threshold (${warning})`,
      });
    }
  }
  const { fireAfter, fireWindow } = drift.alerting;
  if (fireAfter > fireWindow) {
    issues.push({
      at: ['drift', 'alerting', 'fireAfter'],
      message: `${fireAfter} is above drift.alerting.fireWindow (${fireWindow}): no alert could fire`,
    });
  }
  for (const field of ['webhookUrl', 'retrainWebhookUrl', 'adminBaseUrl'] as const) {
    const value = drift[field];
    // The value is not repeated: a webhook URL usually carries a token.
    if (value !== undefined && !isHttpUrl(value)) {
      issues.push({ at: ['drift', field], message: 'expected an http:// or https:// URL' });
    }
  }
  return issues;
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

function secretRules(
  topology: TopologyDocument,
  interpolatedPaths: ReadonlySet<string>,
): RuleIssue[] {
  const secrets: [readonly PropertyKey[], unknown][] = [
    [['kafka', 'sasl', 'password'], topology.kafka.sasl],
    [['drift', 'webhookUrl'], topology.drift.webhookUrl],
    [['drift', 'retrainWebhookUrl'], topology.drift.retrainWebhookUrl],
  ];
  return secrets
    .filter(([at, value]) => value !== undefined && !interpolatedPaths.has(formatDocumentPath(at)))
    .map(([at]) => ({
      at,
      message: 'a secret must come from the environment: write ${VARIABLE} instead of the value',
    }));
}
