import type { webApi } from '@slack/bolt';
import { describe, expect, it, vi } from 'vitest';
import { createSlackAudience } from '../../src/slack/audience.js';

function fakeClient(options: { members?: string[] | Error; emails?: Record<string, string> }) {
  const list = vi.fn(async () => {
    if (options.members instanceof Error) throw options.members;
    return { ok: true, users: options.members ?? [] };
  });
  const info = vi.fn(async ({ user }: { user: string }) => {
    const email = options.emails?.[user];
    if (email === undefined) throw new Error('user_not_found');
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
});
