/**
 * Turns zod's issues into the sentences an operator reads: what was expected, what was found.
 * Used as zod's per-parse error map, where the failing schema is at hand to describe itself.
 */
import { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

export function describeZodIssue(issue: RawIssue): string | undefined {
  const got = describeValue(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `missing (expected ${describeSchema(issue.inst)})`
        : `expected ${describeSchema(issue.inst)}, got ${got}`;
    case 'too_small':
    case 'too_big':
      return `expected ${describeBound(issue)}, got ${got}`;
    case 'invalid_value':
      return `expected ${listValues(issue.values)}, got ${got}`;
    case 'invalid_format':
      return `expected a ${issue.format}, got ${got}`;
    case 'invalid_union':
      return describeUnionIssue(issue);
    case 'unrecognized_keys':
      return `unknown key (allowed: ${allowedKeys(issue.inst).join(', ')})`;
    default:
      return undefined;
  }
}

function describeUnionIssue(issue: RawIssue & { code: 'invalid_union' }): string {
  const discriminator = (issue as { discriminator?: string }).discriminator;
  const options = (issue as { options?: unknown[] }).options;
  if (discriminator !== undefined && options !== undefined) {
    const value = (issue.input as Record<string, unknown> | undefined)?.[discriminator];
    const expected = listValues(options);
    return value === undefined
      ? `missing (expected ${expected})`
      : `expected ${expected}, got ${describeValue(value)}`;
  }
  return `expected ${describeSchema(issue.inst)}, got ${describeValue(issue.input)}`;
}

function describeBound(issue: RawIssue & { code: 'too_small' | 'too_big' }): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return small ? `at least ${limit} item${limit === 1 ? '' : 's'}` : `at most ${limit} items`;
    case 'string':
      return small
        ? Number(limit) === 1
          ? 'a non-empty string'
          : `at least ${limit} characters`
        : `at most ${limit} characters`;
    default: {
      const sign = small ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      return `a number ${sign} ${limit}`;
    }
  }
}

/** What a schema accepts, in words: "an integer ≥ 1", "one of "json", "avro"", "a list". */
export function describeSchema(schema: unknown): string {
  if (schema instanceof z.ZodNumber) {
    const noun = schema.isInt ? 'an integer' : 'a number';
    const min = schema.minValue;
    const max = schema.maxValue;
    const hasMin = min !== null && Number.isFinite(min) && min > Number.MIN_SAFE_INTEGER;
    const hasMax = max !== null && Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER;
    if (hasMin && hasMax) return `${noun} from ${min} to ${max}`;
    if (hasMin) return `${noun} ≥ ${min}`;
    if (hasMax) return `${noun} ≤ ${max}`;
    return noun;
  }
  if (schema instanceof z.ZodString) {
    return (schema.minLength ?? 0) > 0 ? 'a non-empty string' : 'a string';
  }
  if (schema instanceof z.ZodBoolean) return 'true or false';
  if (schema instanceof z.ZodEnum) return listValues(schema.options);
  if (schema instanceof z.ZodLiteral) return listValues([...schema.values]);
  if (schema instanceof z.ZodArray) return 'a list';
  if (schema instanceof z.ZodObject) return 'a mapping';
  if (schema instanceof z.ZodPipe) {
    return describeSchema(schema.in instanceof z.ZodTransform ? schema.out : schema.in);
  }
  if (schema instanceof z.ZodUnion) {
    return schema.options.map((option: unknown) => describeSchema(option)).join(' or ');
  }
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable
  ) {
    return describeSchema(schema.unwrap());
  }
  return 'a valid value';
}

function listValues(values: readonly unknown[]): string {
  const rendered = values.map((value) => JSON.stringify(value));
  return rendered.length === 1 ? (rendered[0] ?? '') : `one of ${rendered.join(', ')}`;
}

function allowedKeys(schema: unknown): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** How a found value is shown: text quoted, short, never a whole nested object. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  }
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  return String(value);
}

/**
 * The sentence for an issue after parsing: formats named in the schema (`.regex(re, 'a Kafka
 * topic name')`) bypass the error map, so they are completed here the same way.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_format' && !issue.message.startsWith('expected ')
    ? `expected ${issue.message}, got ${describeValue(issue.input)}`
    : issue.message;
}
