import { describe, expect, it } from 'vitest';
import { createAckGate } from '../../src/slack/ack-gate.js';

describe('acks first', () => {
  it('post-ack work waits until every received request is answered', async () => {
    const gate = createAckGate(10_000);
    const first = gate.received();
    const second = gate.received();
    let started = false;
    const work = gate.acksFirst().then(() => {
      started = true;
    });
    first();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toBe(false);
    second();
    second(); // answering twice (finish, then close) counts once
    await work;
    expect(started).toBe(true);
  });

  it('never waits longer than its bound for a stalled request, and not at all when none is pending', async () => {
    const gate = createAckGate(30);
    gate.received();
    const since = Date.now();
    await gate.acksFirst();
    expect(Date.now() - since).toBeGreaterThanOrEqual(25);
    const idle = createAckGate(10_000);
    await idle.acksFirst();
  });

  it('stays shut between the reads of one burst: work waits until requests stopped arriving', async () => {
    const gate = createAckGate(10_000, 30);
    const first = gate.received();
    let started = false;
    const work = gate.acksFirst().then(() => {
      started = true;
    });
    first();
    // The next part of the burst arrives right after the first was answered.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = gate.received();
    second();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(started).toBe(false);
    await work;
    expect(started).toBe(true);
  });
});
