import { describe, expect, it } from 'vitest';
import { createMemoryRequestBudget, DEFAULT_BUDGETS } from '../../src/cloudflare/request-budget.js';

function budgetAt(limits: { graphql?: number; rest?: number }) {
  let now = 0;
  const budget = createMemoryRequestBudget({ limits, clock: () => now });
  return {
    budget,
    at(seconds: number) {
      now = seconds * 1000;
    },
  };
}

describe('in-memory request budget (sliding window per API)', () => {
  it("defaults to Cloudflare's documented per-user limits", () => {
    expect(DEFAULT_BUDGETS).toEqual({ graphql: 300, rest: 1200 });
    const { budget } = budgetAt({});
    for (let i = 0; i < 300; i++) expect(budget.take('graphql')).toEqual({ ok: true });
    expect(budget.take('graphql')).toMatchObject({ ok: false, reason: 'budget', limit: 300 });
    expect(budget.take('rest')).toEqual({ ok: true });
  });

  it('never lets more than the limit through in any 5-minute window, wherever it starts', () => {
    const { budget, at } = budgetAt({ graphql: 3 });
    at(0);
    expect(budget.take('graphql').ok).toBe(true);
    at(100);
    expect(budget.take('graphql').ok).toBe(true);
    expect(budget.take('graphql').ok).toBe(true);
    expect(budget.take('graphql')).toEqual({ ok: false, reason: 'budget', limit: 3, retryAfterSeconds: 200 });
    // The request at 0 s leaves the window at 300 s; the two at 100 s only at 400 s.
    at(300);
    expect(budget.take('graphql').ok).toBe(true);
    expect(budget.take('graphql')).toMatchObject({ ok: false, retryAfterSeconds: 100 });
    at(399.5);
    expect(budget.take('graphql')).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    at(400);
    expect(budget.take('graphql').ok).toBe(true);
    expect(budget.take('graphql').ok).toBe(true);
    expect(budget.take('graphql').ok).toBe(false);
  });

  it('a refusal costs nothing: it does not push the next free slot further out', () => {
    const { budget, at } = budgetAt({ rest: 1 });
    at(0);
    budget.take('rest');
    for (let second = 1; second < 300; second += 7) {
      at(second);
      expect(budget.take('rest').ok).toBe(false);
    }
    at(300);
    expect(budget.take('rest').ok).toBe(true);
  });

  it('refuses every request to a paused API until the pause ends, and leaves the other API alone', () => {
    const { budget, at } = budgetAt({});
    at(10);
    budget.pause('rest', 7);
    expect(budget.take('rest')).toEqual({ ok: false, reason: 'paused', retryAfterSeconds: 7 });
    expect(budget.take('graphql').ok).toBe(true);
    at(16.2);
    expect(budget.take('rest')).toEqual({ ok: false, reason: 'paused', retryAfterSeconds: 1 });
    // A shorter pause never cuts a longer one short.
    budget.pause('rest', 0);
    expect(budget.take('rest').ok).toBe(false);
    at(17);
    expect(budget.take('rest').ok).toBe(true);
  });

  it('stays correct over many windows (the log compacts itself)', () => {
    const { budget, at } = budgetAt({ rest: 1000 });
    let admitted = 0;
    for (let ms = 0; ms < 3_600_000; ms += 50) {
      at(ms / 1000);
      if (budget.take('rest').ok) admitted += 1;
    }
    // An hour is twelve windows of at most 1000 each.
    expect(admitted).toBe(12_000);
  });
});
