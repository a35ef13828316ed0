import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createGracefulShutdown,
  EXIT_CODE,
  type GracefulShutdownOptions,
} from '../../../src/cli/graceful-shutdown.js';

const logger = pino({ level: 'silent' });

/** A stop that resolves when the test says so, with the unfinished count it is given. */
function controlledStop() {
  let finish: (unfinished: number) => void = () => undefined;
  const calls: number[] = [];
  const stop = (deadlineMs: number) => {
    calls.push(deadlineMs);
    return new Promise<{ unfinished: number }>((resolve) => {
      finish = (unfinished) => resolve({ unfinished });
    });
  };
  return { stop, calls, finish: (unfinished: number) => finish(unfinished) };
}

/** A shutdown over `stop`, recording the exit codes it asks for. */
function shutdownOver(stop: GracefulShutdownOptions['stop']) {
  const exits: number[] = [];
  const shutdown = createGracefulShutdown({
    stop,
    deadlineMs: 10_000,
    logger,
    exit: (code) => exits.push(code),
  });
  return { shutdown, exits };
}

describe('graceful shutdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('exits 0 after a drain that finished everything', async () => {
    const stop = controlledStop();
    const { shutdown, exits } = shutdownOver(stop.stop);
    shutdown.onSignal('SIGTERM');
    expect(stop.calls).toEqual([10_000]);
    stop.finish(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(exits).toEqual([EXIT_CODE.stopped]);
  });

  it('acknowledges and ignores a second signal, keeps draining, and exits 3 with events unfinished', async () => {
    const stop = controlledStop();
    const { shutdown, exits } = shutdownOver(stop.stop);
    shutdown.onSignal('SIGTERM');
    await vi.advanceTimersByTimeAsync(2_000);
    shutdown.onSignal('SIGTERM');
    await vi.advanceTimersByTimeAsync(7_000);
    expect(exits).toEqual([]);
    expect(stop.calls).toHaveLength(1);
    stop.finish(42);
    await vi.advanceTimersByTimeAsync(0);
    expect(exits).toEqual([EXIT_CODE.unfinished]);
  });

  it('forces the exit on a third signal with 128 + the signal number', async () => {
    const stop = controlledStop();
    const { shutdown, exits } = shutdownOver(stop.stop);
    shutdown.onSignal('SIGINT');
    shutdown.onSignal('SIGINT');
    shutdown.onSignal('SIGINT');
    expect(exits).toEqual([130]);
    stop.finish(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(exits).toEqual([130]);
  });

  it('exits 3 at the deadline plus 10 % when the stop never returns', async () => {
    const { shutdown, exits } = shutdownOver(() => new Promise(() => undefined));
    shutdown.onSignal('SIGTERM');
    await vi.advanceTimersByTimeAsync(10_999);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exits).toEqual([EXIT_CODE.unfinished]);
  });

  it('exits 1 after a failure even when the drain finishes everything, and when the stop throws', async () => {
    const stop = controlledStop();
    const { shutdown: failing, exits } = shutdownOver(stop.stop);
    failing.onFailure('output path halted', new Error('boom'));
    stop.finish(0);
    await vi.advanceTimersByTimeAsync(0);

    const throwing = shutdownOver(() => Promise.reject(new Error('disconnect failed')));
    throwing.shutdown.onSignal('SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(exits).toEqual([EXIT_CODE.failed]);
    expect(throwing.exits).toEqual([EXIT_CODE.failed]);
  });
});
