import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/errors.js';
import type { DeadLetterReason } from '../../../src/io/index.js';
import {
  DEAD_LETTER_REASONS,
  ERROR_CODES,
  errorCatalogueMarkdown,
  errorCodeDocs,
  ERRORS_SOURCE_FILE,
  exitCodeOf,
} from '../../../src/schema/error-catalogue.js';
import { replaceGeneratedSection } from '../../../src/schema/schema-reference.js';

/**
 * The exit code of every code, as the CLI contract states it: 2 when the fix is in what the
 * command was given, 1 when the environment must change. Typed by the union, so a new code
 * does not compile until it is given one here.
 */
const EXIT_CODES: Record<ErrorCode, 1 | 2> = {
  USAGE: 2,
  TOPOLOGY_INVALID: 2,
  DEPENDENCY_MISSING: 1,
  STACK_FAILED: 1,
  MODEL_INVALID: 2,
  TOPIC_MISSING: 1,
  BROKER_UNREACHABLE: 1,
  TOPIC_CREATE_FAILED: 1,
  PRODUCE_FAILED: 1,
  PORT_UNAVAILABLE: 1,
  PROFILE_INVALID: 2,
  DATA_INVALID: 2,
  ALERT_SINK_FAILED: 1,
  SCORED_RECORD_INVALID: 1,
  STATE_UNAVAILABLE: 1,
  STATE_INVALID: 1,
  INTERNAL: 1,
};

const DEAD_LETTERS: Record<DeadLetterReason, true> = {
  RECORD_TOO_LARGE: true,
  DECODE_FAILED: true,
  FEATURE_MISSING: true,
  FEATURE_INVALID: true,
  FEATURE_UNKNOWN_CATEGORY: true,
  INFERENCE_FAILED: true,
  ENCODE_FAILED: true,
  OUTPUT_TOO_LARGE: true,
};

describe('docs/errors.md', () => {
  it('holds the catalogue generated from src/errors.ts (regenerate: npm run schema)', async () => {
    const doc = await readFile('docs/errors.md', 'utf8');
    const source = await readFile(ERRORS_SOURCE_FILE, 'utf8');
    expect(doc).toBe(
      replaceGeneratedSection(doc, 'error-catalogue', errorCatalogueMarkdown(source)),
    );
  });

  it('lists every error code with its exit code, and every dead-letter reason', async () => {
    const doc = await readFile('docs/errors.md', 'utf8');
    const catalogue = doc.slice(doc.indexOf('<!-- error-catalogue:start'));
    for (const [code, exit] of Object.entries(EXIT_CODES)) {
      expect(catalogue, code).toMatch(
        new RegExp(`\\n\\| \`${code}\` \\| ${exit} \\| [^|\\n]{10,}`),
      );
    }
    for (const reason of Object.keys(DEAD_LETTERS)) {
      expect(catalogue, reason).toMatch(new RegExp(`\\n\\| \`${reason}\` \\| [^|\\n]{10,}`));
    }
  });
});

describe('error catalogue', () => {
  it('has an entry for every code and reason, and exits as the CLI does', () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(EXIT_CODES).sort());
    expect([...DEAD_LETTER_REASONS].sort()).toEqual(Object.keys(DEAD_LETTERS).sort());
    for (const code of ERROR_CODES) expect(exitCodeOf(code), code).toBe(EXIT_CODES[code]);
  });

  it('reads every code of src/errors.ts with its doc comment, in source order', async () => {
    const docs = errorCodeDocs(await readFile(ERRORS_SOURCE_FILE, 'utf8'));
    expect([...docs.keys()].sort()).toEqual(Object.keys(EXIT_CODES).sort());
    expect(docs.get('TOPIC_MISSING')).toBe(
      'A topic the topology names does not exist on the cluster.',
    );
  });

  it('joins a doc comment of several lines, and refuses a code without one', () => {
    const source = `export type ErrorCode =
  /**
   * First line,
   * second line.
   */
  | 'A'
  /** Only one. */
  | 'B';`;
    expect([...errorCodeDocs(source)]).toEqual([
      ['A', 'First line, second line.'],
      ['B', 'Only one.'],
    ]);
    expect(() =>
      errorCodeDocs(`export type ErrorCode =\n  /** One. */\n  | 'A'\n  | 'B';`),
    ).toThrow("ErrorCode 'B' has no doc comment");
    expect(() => errorCodeDocs('type Other = 1;')).toThrow('no `export type ErrorCode');
    expect(() =>
      errorCodeDocs(`export type ErrorCode =\n  /** One. */\n  | 'A'\n  | Other;`),
    ).toThrow("the ErrorCode union does not end after 'A'");
  });

  it('is not cut short by a semicolon or a quoted code inside a doc comment', () => {
    const source = `export type ErrorCode =
  /** Failed; retried ('B' is not a code here). */
  | 'A'
  /** Last. */
  | 'C';`;
    expect([...errorCodeDocs(source).keys()]).toEqual(['A', 'C']);
  });

  it('refuses a code the catalogue has no fix for', () => {
    expect(() =>
      errorCatalogueMarkdown(`export type ErrorCode =\n  /** New. */\n  | 'NEW';`),
    ).toThrow("ErrorCode 'NEW' has no fix in the catalogue");
  });
});
