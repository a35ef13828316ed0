/**
 * Agreement with the numpy/scipy fixtures (test/fixtures/drift): relative error with the
 * tolerances the drift issue sets — 1e-12 for statistics, 1e-9 for p-values — and exact
 * equality where the answer is exact (edges, counts, degrees of freedom).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

export const FIXTURES = 'test/fixtures/drift';
export const STATISTIC_TOLERANCE = 1e-12;
export const P_VALUE_TOLERANCE = 1e-9;

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** |a − e| / max(|a|, |e|); 0 when both are 0 (or both null). */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.max(Math.abs(actual), Math.abs(expected));
}

/** Asserts null where the fixture says null, else relative agreement within `tolerance`. */
export function expectRelative(
  actual: number | null | undefined,
  expected: number | null,
  tolerance: number,
  label: string,
): void {
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(actual, label).toBeTypeOf('number');
  const error = relativeError(actual as number, expected);
  expect(error, `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}
