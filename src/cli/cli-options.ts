/** Options several commands share, and parsers whose errors name what was expected. */
import { InvalidArgumentError, Option } from 'commander';

/** How long the tools wait for a broker before BROKER_UNREACHABLE. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function connectTimeoutOption(): Option {
  return new Option('--connect-timeout-ms <ms>', 'how long to wait for a Kafka broker to answer')
    .argParser(parsePositiveInteger)
    .default(DEFAULT_CONNECT_TIMEOUT_MS);
}

export function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('expected an integer >= 1');
  }
  return parsed;
}

export function parsePositiveNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('expected a number > 0');
  }
  return parsed;
}
