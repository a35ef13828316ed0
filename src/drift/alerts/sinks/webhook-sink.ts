/**
 * A generic JSON webhook (on-call tools such as Alertmanager, PagerDuty or Slack adapt it),
 * delivered off the scoring and evaluation paths: `deliver` only queues. One background loop
 * POSTs payloads in order, each with a time limit, and retries errors, timeouts, 408, 429 and
 * 5xx answers with exponential backoff (a `Retry-After` in seconds is honoured, capped); other
 * 4xx answers are final. The queue is bounded: when it is full the oldest payload is dropped
 * and counted, so a dead webhook costs a bounded amount of memory and never blocks anything.
 *
 * The URL is a Secret (it often carries a token): it is revealed only to `fetch` and appears
 * in no log line, not even inside an error message.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DriftAlertMetrics, Logger } from '../../../observability/index.js';
import type { Secret } from '../../../topology/index.js';
import type { DriftOutcome, DriftOutcomeSink } from '../drift-evaluator.js';
import { driftNotificationToJson } from '../drift-notification.js';
import { retrainRequestToJson } from '../retrain-request.js';

export interface WebhookDelivery {
  /** Time limit of one POST. */
  readonly timeoutMs: number;
  /** Attempts per payload, the first included. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Payloads waiting; beyond it the oldest is dropped. */
  readonly queueCapacity: number;
}

export interface WebhookPayload {
  /** Sent as the `idempotency-key` header: receivers can drop retried duplicates. */
  readonly id: string;
  readonly body: unknown;
}

export interface WebhookSinkOptions {
  /** Names the sink in metrics and logs (`alerts`, `retrain`). */
  readonly name: string;
  readonly url: Secret;
  /** What to POST for one outcome (often nothing). */
  readonly payloads: (outcome: DriftOutcome) => readonly WebhookPayload[];
  readonly delivery: WebhookDelivery;
  readonly metrics: DriftAlertMetrics;
  readonly logger: Logger;
}

export interface WebhookSink extends DriftOutcomeSink {
  /** Delivers what is queued, then stops; at the deadline, aborts and drops the rest. */
  stop(deadlineMs?: number): Promise<void>;
}

/** The grouped alert notification of a round, if it has one. */
export function notificationPayloads(outcome: DriftOutcome): WebhookPayload[] {
  const { notification } = outcome;
  return notification === null
    ? []
    : [{ id: notification.id, body: driftNotificationToJson(notification) }];
}

/** The retraining requests of a round. */
export function retrainRequestPayloads(outcome: DriftOutcome): WebhookPayload[] {
  return outcome.retrainRequests.map((request) => ({
    id: request.idempotencyKey,
    body: retrainRequestToJson(request),
  }));
}

type AttemptResult =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'rejected'; readonly status: number }
  | { readonly outcome: 'retry'; readonly reason: string; readonly retryAfterMs?: number };

export function createWebhookSink(options: WebhookSinkOptions): WebhookSink {
  const { name, url, delivery, metrics } = options;
  const log = options.logger.child({ stage: 'drift-webhook', sink: name });
  const labels = { sink: name };
  const queue: WebhookPayload[] = [];
  const shutdown = new AbortController();
  let wake: (() => void) | undefined;
  let stopping = false;

  const setDepth = () => metrics.webhookQueueDepth.set(labels, queue.length);
  const drop = (reason: 'queue_full' | 'shutdown', payload: WebhookPayload) => {
    metrics.webhookDropped.inc({ ...labels, reason });
    log.warn({ id: payload.id, reason }, 'webhook payload dropped undelivered');
  };

  const attempt = async (payload: WebhookPayload): Promise<AttemptResult> => {
    try {
      const response = await fetch(url.reveal(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'streamscore',
          'idempotency-key': payload.id,
        },
        body: JSON.stringify(payload.body),
        signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(delivery.timeoutMs)]),
      });
      await response.body?.cancel();
      if (response.ok) return { outcome: 'delivered' };
      const { status } = response;
      if (status !== 408 && status !== 429 && status < 500) return { outcome: 'rejected', status };
      const retryAfterSeconds = Number(response.headers.get('retry-after'));
      return {
        outcome: 'retry',
        reason: `HTTP ${status}`,
        ...(retryAfterSeconds > 0 ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
      };
    } catch (error) {
      return { outcome: 'retry', reason: failureReason(error) };
    }
  };

  const deliverOne = async (payload: WebhookPayload): Promise<void> => {
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (shutdown.signal.aborted) return drop('shutdown', payload);
      const result = await attempt(payload);
      if (result.outcome === 'delivered') {
        metrics.webhookDeliveries.inc({ ...labels, outcome: 'delivered' });
        return;
      }
      if (result.outcome === 'rejected') {
        metrics.webhookDeliveries.inc({ ...labels, outcome: 'rejected' });
        log.error({ id: payload.id, status: result.status }, 'webhook rejected the payload');
        return;
      }
      if (shutdown.signal.aborted) return drop('shutdown', payload);
      if (attemptNumber >= delivery.maxAttempts) {
        metrics.webhookDeliveries.inc({ ...labels, outcome: 'failed' });
        log.error(
          { id: payload.id, attempts: attemptNumber, reason: result.reason },
          'webhook delivery failed; payload given up',
        );
        return;
      }
      metrics.webhookRetries.inc(labels);
      const backoffMs = Math.min(
        delivery.maxBackoffMs,
        result.retryAfterMs ?? delivery.initialBackoffMs * 2 ** (attemptNumber - 1),
      );
      log.warn(
        { id: payload.id, attempt: attemptNumber, reason: result.reason, backoffMs },
        'webhook delivery failed; retrying',
      );
      await sleep(backoffMs, undefined, { signal: shutdown.signal }).catch(() => undefined);
    }
  };

  const loop = (async () => {
    for (;;) {
      const payload = queue.shift();
      setDepth();
      if (payload !== undefined) {
        await deliverOne(payload);
      } else if (stopping) {
        return;
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    }
  })();

  let stopped: Promise<void> | undefined;
  return {
    deliver(outcome) {
      for (const payload of options.payloads(outcome)) {
        if (stopping) {
          drop('shutdown', payload);
          continue;
        }
        if (queue.length >= delivery.queueCapacity)
          drop('queue_full', queue.shift() as WebhookPayload);
        queue.push(payload);
      }
      setDepth();
      wake?.();
    },
    stop(deadlineMs = 10_000) {
      stopped ??= (async () => {
        stopping = true;
        wake?.();
        const deadline = setTimeout(() => shutdown.abort(), deadlineMs);
        try {
          await loop;
        } finally {
          clearTimeout(deadline);
        }
      })();
      return stopped;
    },
  };
}

/** Why an attempt failed, without the message (which could quote the URL). */
function failureReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timeout';
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'unknown error';
}
