import type { webApi } from '@slack/bolt';
import { describe, expect, it, vi } from 'vitest';
import { createSlackAudience } from '../../src/slack/audience.js';

/** What the Web API client throws when Slack answers `ok: false` (here `user_not_found`). */
const platformError = () =>
  Object.assign(new Error('An API error occurred: user_not_found'), { code: 'slack_webapi_platform_error' });

function fakeClient(options: {
  members?: string[] | Error;
  emails?: Record<string, string>;
  /** What users.info throws for a user without an email (default: Slack's user_not_found). */
  failure?: () => Error;
}) {
  const list = vi.fn(async () => {
    if (options.members instanceof Error) throw options.members;
    return { ok: true, users: options.members ?? [] };
  });
  const info = vi.fn(async ({ user }: { user: string }) => {
    const email = options.emails?.[user];
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (email === undefined) throw (options.failure ?? platformError)();
    return { ok: true, user: { profile: { email } } };
  });
  // A double for the two Web API methods the audience calls.
  const client = { usergroups: { users: { list } }, users: { info } } as unknown as webApi.WebClient;
  return { client, list, info };
}

describe('Slack audience (who is staff, whose email)', () => {
  it('counts listed user ids and members of the helpdesk user group as staff, nobody else', async () => {
    const { client, list } = fakeClient({ members: ['U0CAROL'] });
    const audience = createSlackAudience(client, { staffUserIds: ['U0ALICE'], staffUsergroupId: 'S0HELP' });
    expect(await audience.isStaff('U0ALICE')).toBe(true);
    expect(await audience.isStaff('U0CAROL')).toBe(true);
    expect(await audience.isStaff('U0BOB')).toBe(false);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('treats a failed group lookup as "not staff" and asks again next time', async () => {
    const { client, list } = fakeClient({ members: new Error('ratelimited') });
    const audience = createSlackAudience(client, { staffUserIds: [], staffUsergroupId: 'S0HELP' });
    expect(await audience.isStaff('U0CAROL')).toBe(false);
    expect(await audience.isStaff('U0CAROL')).toBe(false);
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('caches emails, and an unknown user has none (their cards stay redacted)', async () => {
    const { client, info } = fakeClient({ emails: { U0BOB: 'bob@example.com' } });
    const audience = createSlackAudience(client, { staffUserIds: [] });
    expect(await audience.emailOf('U0BOB')).toBe('bob@example.com');
    expect(await audience.emailOf('U0BOB')).toBe('bob@example.com');
    expect(info).toHaveBeenCalledTimes(1);
    expect(await audience.emailOf('U0NOBODY')).toBeUndefined();
  });

  it('asks Slack once for a burst of lookups of one person', async () => {
    const { client, info } = fakeClient({ emails: { U0BOB: 'bob@example.com' } });
    const audience = createSlackAudience(client, { staffUserIds: [] });
    const emails = await Promise.all(Array.from({ length: 50 }, () => audience.emailOf('U0BOB')));
    expect(new Set(emails)).toEqual(new Set(['bob@example.com']));
    expect(info).toHaveBeenCalledTimes(1);
  });

  it('trusts Slack\'s "no such user" for a while, and retries after a rate limit or network error', async () => {
    const { client, info } = fakeClient({});
    const audience = createSlackAudience(client, { staffUserIds: [], negativeTtlMs: 40 });
    await Promise.all([audience.emailOf('U0NOBODY'), audience.emailOf('U0NOBODY')]);
    expect(await audience.emailOf('U0NOBODY')).toBeUndefined();
    expect(info).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await audience.emailOf('U0NOBODY')).toBeUndefined();
    expect(info).toHaveBeenCalledTimes(2);

    const flaky = fakeClient({
      failure: () => Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error' }),
    });
    const retrying = createSlackAudience(flaky.client, { staffUserIds: [] });
    await Promise.all([retrying.emailOf('U0BOB'), retrying.emailOf('U0BOB')]);
    expect(flaky.info).toHaveBeenCalledTimes(1);
    await retrying.emailOf('U0BOB');
    expect(flaky.info).toHaveBeenCalledTimes(2);
  });

  it('refreshes the staff group ahead of its expiry, in the background: a known group is never waited for', async () => {
    let members = ['U0CAROL'];
    let answer: () => void = () => undefined;
    const list = vi.fn(
      () =>
        new Promise<{ ok: true; users: string[] }>((resolve) => {
          const current = members;
          answer = () => resolve({ ok: true, users: current });
        }),
    );
    const client = {
      usergroups: { users: { list } },
      users: { info: vi.fn() },
    } as unknown as webApi.WebClient;
    let now = 1_000_000;
    const audience = createSlackAudience(client, {
      staffUserIds: [],
      staffUsergroupId: 'S0HELP',
      ttlMs: 100_000,
      clock: () => now,
    });
    const first = audience.isStaff('U0CAROL');
    answer();
    expect(await first).toBe(true);
    members = ['U0DAVE'];
    now += 85_000;
    // Past 80 % of the TTL: answered from what is known while the refresh is out.
    expect(await audience.isStaff('U0CAROL')).toBe(true);
    expect(list).toHaveBeenCalledTimes(2);
    answer();
    await vi.waitFor(async () => expect(await audience.isStaff('U0DAVE')).toBe(true));
    expect(await audience.isStaff('U0CAROL')).toBe(false);
    expect(list).toHaveBeenCalledTimes(2);
  });
});
