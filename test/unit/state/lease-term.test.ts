import { describe, expect, it } from 'vitest';
import { createLeaseTerm } from '../../../src/state/index.js';

describe('a lease holder’s term', () => {
  it('is not held before any attempt', () => {
    const term = createLeaseTerm(1_000);
    expect(term.heldAt(0)).toBe(false);
    expect(term.endsAtMs()).toBeUndefined();
  });

  it('runs ttl from when the granting attempt was sent, not from when the answer came', () => {
    const term = createLeaseTerm(1_000);
    // Sent at 100, answered (and recorded) much later: the key in Redis was set at 100 or
    // after, so the term this holder may act on ends at 1100 at the latest.
    term.record('granted', 100);
    expect(term.endsAtMs()).toBe(1_100);
    expect(term.heldAt(1_099)).toBe(true);
    expect(term.heldAt(1_100)).toBe(false);
  });

  it('is extended by every granted renewal', () => {
    const term = createLeaseTerm(1_000);
    term.record('granted', 0);
    term.record('granted', 400);
    term.record('granted', 800);
    expect(term.heldAt(1_799)).toBe(true);
    expect(term.heldAt(1_800)).toBe(false);
  });

  it('runs out on its own while renewals fail, before the key can expire in Redis', () => {
    const term = createLeaseTerm(1_000);
    term.record('granted', 0);
    term.record('failed', 400);
    term.record('failed', 800);
    expect(term.heldAt(999)).toBe(true);
    expect(term.heldAt(1_000)).toBe(false);
    // A failure never grants a term either.
    const idle = createLeaseTerm(1_000);
    idle.record('failed', 0);
    expect(idle.heldAt(1)).toBe(false);
  });

  it('ends at once when another holder has the key', () => {
    const term = createLeaseTerm(1_000);
    term.record('granted', 0);
    term.record('refused', 400);
    expect(term.heldAt(400)).toBe(false);
    expect(term.endsAtMs()).toBeUndefined();
  });

  it('ends at once when the holder resigns, and can be taken again', () => {
    const term = createLeaseTerm(1_000);
    term.record('granted', 0);
    term.end();
    expect(term.heldAt(1)).toBe(false);
    term.record('granted', 2_000);
    expect(term.heldAt(2_500)).toBe(true);
  });
});
