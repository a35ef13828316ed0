/** Rules that span several fields, checked after the schema has accepted each field alone. */
import { formatDocumentPath } from './topology-errors.js';
import type { TopologyDocument } from './topology-schema.js';

export interface RuleIssue {
  readonly at: readonly PropertyKey[];
  readonly message: string;
}

export function crossFieldIssues(
  topology: TopologyDocument,
  interpolatedPaths: ReadonlySet<string>,
): RuleIssue[] {
  return [
    ...duplicates(
      topology.features.map((feature) => feature.name),
      (index) => ['features', index, 'name'],
      'feature name',
    ),
    ...duplicates(
      topology.model.outputs.map((output) => output.field),
      (index) => ['model', 'outputs', index, 'field'],
      'output field',
    ),
    ...featureRules(topology),
    ...topicRules(topology),
    ...batchingRules(topology),
    ...secretRules(topology, interpolatedPaths),
  ];
}

function duplicates(
  values: readonly string[],
  pathOf: (index: number) => PropertyKey[],
  what: string,
): RuleIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: RuleIssue[] = [];
  values.forEach((value, index) => {
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    else {
      issues.push({
        at: pathOf(index),
        message: `duplicate ${what} "${value}" (first at ${formatDocumentPath(pathOf(first))})`,
      });
    }
  });
  return issues;
}

function featureRules(topology: TopologyDocument): RuleIssue[] {
  const issues: RuleIssue[] = [];
  topology.features.forEach((feature, index) => {
    if (feature.type === 'category') {
      issues.push(
        ...duplicates(
          feature.vocabulary,
          (entry) => ['features', index, 'vocabulary', entry],
          'vocabulary value',
        ),
      );
    }
    if (feature.type !== 'number' && feature.type !== 'timestamp') return;
    feature.transforms.forEach((transform, step) => {
      if (transform.op !== 'clip') return;
      const at = ['features', index, 'transforms', step];
      if (transform.min === undefined && transform.max === undefined) {
        issues.push({ at, message: 'clip needs min, max or both' });
      } else if (
        transform.min !== undefined &&
        transform.max !== undefined &&
        transform.min > transform.max
      ) {
        issues.push({
          at: [...at, 'min'],
          message: `clip min ${transform.min} is above max ${transform.max}`,
        });
      }
    });
  });
  return issues;
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

function secretRules(
  topology: TopologyDocument,
  interpolatedPaths: ReadonlySet<string>,
): RuleIssue[] {
  const at = ['kafka', 'sasl', 'password'];
  if (topology.kafka.sasl === undefined || interpolatedPaths.has(formatDocumentPath(at))) return [];
  return [
    {
      at,
      message: 'a secret must come from the environment: write ${VARIABLE} instead of the value',
    },
  ];
}
