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

describe('budget shares: no user, and no crowd of non-staff users, can lock the helpdesk out', () => {
  const bob = { id: 'U0BOB', staff: false };
  const carol = { id: 'U0CAROL', staff: true };

  it('one non-staff user spends at most their share, then hears when the next slot frees', () => {
    const { budget, at } = budgetAt({ graphql: 100 });
    at(0);
    for (let i = 0; i < 10; i++) expect(budget.take('graphql', bob)).toEqual({ ok: true });
    at(30);
    expect(budget.take('graphql', bob)).toEqual({
      ok: false,
      reason: 'user_share',
      limit: 10,
      retryAfterSeconds: 270,
    });
    // Staff, other users and the bot's own calls are untouched.
    expect(budget.take('graphql', carol).ok).toBe(true);
    expect(budget.take('graphql', { id: 'U0DAVE', staff: false }).ok).toBe(true);
    expect(budget.take('graphql').ok).toBe(true);
    at(300);
    expect(budget.take('graphql', bob).ok).toBe(true);
  });

  it('non-staff users together stop at the staff reserve; staff can still spend the rest', () => {
    const { budget } = budgetAt({ rest: 100 });
    let admitted = 0;
    for (let user = 0; user < 40; user++)
      for (let i = 0; i < 10; i++)
        if (budget.take('rest', { id: `U${user}`, staff: false }).ok) admitted += 1;
    expect(admitted).toBe(80);
    expect(budget.take('rest', { id: 'U99', staff: false })).toMatchObject({
      ok: false,
      reason: 'staff_reserve',
    });
    for (let i = 0; i < 20; i++) expect(budget.take('rest', carol).ok).toBe(true);
    expect(budget.take('rest', carol)).toMatchObject({ ok: false, reason: 'budget' });
  });

  it('takes the shares from its options, and a tiny budget still leaves each user one request', () => {
    const wide = createMemoryRequestBudget({
      limits: { graphql: 10 },
      shares: { userPercent: 50, staffReservePercent: 0 },
    });
    for (let i = 0; i < 5; i++) expect(wide.take('graphql', bob).ok).toBe(true);
    expect(wide.take('graphql', bob)).toMatchObject({ reason: 'user_share', limit: 5 });
    const tiny = createMemoryRequestBudget({ limits: { graphql: 3 } });
    expect(tiny.take('graphql', bob).ok).toBe(true);
    expect(tiny.take('graphql', bob).ok).toBe(false);
  });

  it('a refusal by share records nothing anywhere', () => {
    const { budget } = budgetAt({ graphql: 10 });
    expect(budget.take('graphql', bob).ok).toBe(true);
    for (let i = 0; i < 50; i++) expect(budget.take('graphql', bob).ok).toBe(false);
    for (let i = 0; i < 9; i++) expect(budget.take('graphql', carol).ok).toBe(true);
    expect(budget.take('graphql', carol).ok).toBe(false);
  });
});
