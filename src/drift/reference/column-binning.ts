/**
 * Chooses and builds the binning of one subject from its reference values (docs/drift.md
 * "Reference profile"): category text is always categorical; numbers are categorical when the
 * reference holds at most `categoricalMaxDistinct` distinct finite values (a count, a flag, a
 * constant), numeric quantile bins otherwise.
 */
import {
  categoricalBinning,
  DEFAULT_BINNING_RULES,
  numericBinning,
  sortedFinite,
  type BinningRules,
  type RawValue,
  type ReferenceBinning,
} from '../statistics/index.js';
import type { ProfileSubject } from './profile-subjects.js';

export function binningForColumn(
  subject: ProfileSubject,
  values: readonly RawValue[],
  rules: BinningRules = DEFAULT_BINNING_RULES,
): ReferenceBinning {
  if (subject.valueType === 'category') {
    const counts = new Map<string, number>();
    for (const value of values) {
      if (typeof value === 'string') counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return categoricalBinning(counts, 'category', rules);
  }
  const numberCounts = new Map<number, number>();
  let fewValues = true;
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    numberCounts.set(value, (numberCounts.get(value) ?? 0) + 1);
    if (numberCounts.size > rules.categoricalMaxDistinct) {
      fewValues = false;
      break;
    }
  }
  if (fewValues) {
    // Map keys compare by SameValueZero, so -0 and 0 are one value, written "0".
    const counts = new Map<string, number>();
    for (const [value, count] of numberCounts) counts.set(String(value), count);
    return categoricalBinning(counts, 'number', rules);
  }
  return numericBinning(
    sortedFinite(values.filter((value): value is number => typeof value === 'number')),
  );
}
