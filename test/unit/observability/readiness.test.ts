import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createLogger,
  createReadinessMonitor,
  type NotReady,
  type ReadinessCheck,
} from '../../../src/observability/index.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly check?: string;
  readonly condition?: string;
  readonly detail?: string;
  readonly was?: string;
  readonly err?: { readonly message: string };
}

const INFO = 30;
const WARN = 40;
const ERROR = 50;

/** A check whose answer the test sets, and a monitor over it that logs into `lines`. */
function monitorOf(...specs: { name: string; gatesReadiness: boolean }[]) {
  const lines: LogLine[] = [];
  const logger = createLogger(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  const answers = new Map<string, NotReady | undefined | Error>();
  const checks: ReadinessCheck[] = specs.map((spec) => ({
    ...spec,
    notReady: () => {
      const answer = answers.get(spec.name);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  }));
  const registry = new Registry();
  const monitor = createReadinessMonitor({ checks, logger, registry });
  const set = (name: string, answer: NotReady | undefined | Error) => answers.set(name, answer);
  const gauge = async (name: string, labels: Record<string, string>) => {
    const metric = (await registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
    const values = (metric?.values ?? []) as { value: number; labels: Record<string, string> }[];
    return values.find((value) =>
      Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted),
    )?.value;
  };
  return { monitor, lines, set, gauge };
}

const BROKER_DOWN: NotReady = {
  condition: 'broker-unreachable',
  detail: 'no fetch answered for 15 s (127.0.0.1:9092)',
};

afterEach(() => {
  vi.useRealTimers();
});

describe('createReadinessMonitor', () => {
  it('is ready when every check is, and logs nothing for a process that starts ready', () => {
    const { monitor, lines } = monitorOf({ name: 'scoring', gatesReadiness: true });
    const state = monitor.evaluate();
    expect(state).toEqual({
      ready: true,
      checks: [{ name: 'scoring', gatesReadiness: true, notReady: undefined }],
    });
    monitor.evaluate();
    expect(lines).toEqual([]);
  });

  it('logs one line per transition, not one per evaluation', () => {
    const { monitor, lines, set } = monitorOf({ name: 'scoring', gatesReadiness: true });
    set('scoring', { condition: 'starting', detail: 'model warming up' });
    monitor.evaluate();
    monitor.evaluate();
    set('scoring', undefined);
    monitor.evaluate();
    set('scoring', BROKER_DOWN);
    monitor.evaluate();
    // The same condition with a new detail is the same state: no new line.
    set('scoring', { ...BROKER_DOWN, detail: 'no fetch answered for 16 s (127.0.0.1:9092)' });
    monitor.evaluate();
    set('scoring', undefined);
    monitor.evaluate();
    monitor.evaluate();

    expect(
      lines.map(({ level, msg, check, condition, was }) => ({ level, msg, check, condition, was })),
    ).toEqual([
      { level: INFO, msg: 'not ready', check: 'scoring', condition: 'starting', was: undefined },
      { level: INFO, msg: 'ready', check: 'scoring', condition: undefined, was: 'starting' },
      {
        level: WARN,
        msg: 'not ready',
        check: 'scoring',
        condition: 'broker-unreachable',
        was: undefined,
      },
      {
        level: INFO,
        msg: 'ready',
        check: 'scoring',
        condition: undefined,
        was: 'broker-unreachable',
      },
    ]);
    expect(lines[2]?.detail).toBe(BROKER_DOWN.detail);
  });

  it('exports streamscore_ready and a one-hot streamscore_not_ready per check', async () => {
    const { monitor, set, gauge } = monitorOf({ name: 'scoring', gatesReadiness: true });
    set('scoring', BROKER_DOWN);
    monitor.evaluate();
    expect(await gauge('streamscore_ready', { check: 'scoring' })).toBe(0);
    expect(
      await gauge('streamscore_not_ready', { check: 'scoring', condition: 'broker-unreachable' }),
    ).toBe(1);
    expect(await gauge('streamscore_not_ready', { check: 'scoring', condition: 'stalled' })).toBe(
      0,
    );

    set('scoring', { condition: 'stalled', detail: '12 events waiting, none finished for 30 s' });
    monitor.evaluate();
    expect(
      await gauge('streamscore_not_ready', { check: 'scoring', condition: 'broker-unreachable' }),
    ).toBe(0);
    expect(await gauge('streamscore_not_ready', { check: 'scoring', condition: 'stalled' })).toBe(
      1,
    );

    set('scoring', undefined);
    monitor.evaluate();
    expect(await gauge('streamscore_ready', { check: 'scoring' })).toBe(1);
    expect(await gauge('streamscore_not_ready', { check: 'scoring', condition: 'stalled' })).toBe(
      0,
    );
  });

  it('stays ready while a check that does not gate readiness fails, and reports it', async () => {
    const { monitor, lines, set, gauge } = monitorOf(
      { name: 'scoring', gatesReadiness: true },
      { name: 'drift', gatesReadiness: false },
    );
    const storeDown: NotReady = {
      condition: 'store-unreachable',
      detail: 'redis://127.0.0.1:6379 does not answer',
    };
    set('drift', storeDown);
    const state = monitor.evaluate();
    expect(state.ready).toBe(true);
    expect(state.checks).toEqual([
      { name: 'scoring', gatesReadiness: true, notReady: undefined },
      { name: 'drift', gatesReadiness: false, notReady: storeDown },
    ]);
    expect(await gauge('streamscore_ready', { check: 'drift' })).toBe(0);
    expect(lines).toMatchObject([
      { level: WARN, msg: 'not ready', check: 'drift', condition: 'store-unreachable' },
    ]);

    set('scoring', BROKER_DOWN);
    expect(monitor.evaluate().ready).toBe(false);
  });

  it('turns a check that throws into failed, logging the error once and serving no error text', () => {
    const { monitor, lines, set } = monitorOf({ name: 'scoring', gatesReadiness: true });
    set('scoring', new Error('secret-host.internal:9092 refused'));
    const state = monitor.evaluate();
    monitor.evaluate();
    expect(state.ready).toBe(false);
    expect(state.checks[0]?.notReady?.condition).toBe('failed');
    expect(state.checks[0]?.notReady?.detail).not.toContain('secret-host');
    const errors = lines.filter((line) => line.level === ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.err?.message).toBe('secret-host.internal:9092 refused');
  });

  it('evaluates on start and then once an interval until stopped', () => {
    vi.useFakeTimers();
    const { monitor, lines, set } = monitorOf({ name: 'scoring', gatesReadiness: true });
    set('scoring', { condition: 'starting', detail: 'model warming up' });
    monitor.start();
    expect(lines).toHaveLength(1);
    set('scoring', undefined);
    vi.advanceTimersByTime(1_000);
    expect(lines.map((line) => line.msg)).toEqual(['not ready', 'ready']);
    monitor.stop();
    set('scoring', BROKER_DOWN);
    vi.advanceTimersByTime(5_000);
    expect(lines).toHaveLength(2);
  });
});
