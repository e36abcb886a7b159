import type { webApi } from '@slack/bolt';
import { LRUCache } from 'lru-cache';

/** Who is asking, and whether they may see another person's details. */
export interface Audience {
  /** Helpdesk staff: listed user ids or members of the helpdesk user group. */
  isStaff(userId: string): Promise<boolean>;
  /** The person's Slack email (users:read.email), or undefined when unknown. */
  emailOf(userId: string): Promise<string | undefined>;
}

export interface AudienceOptions {
  staffUserIds: readonly string[];
  staffUsergroupId?: string | undefined;
  /** How long group membership and emails are trusted. */
  ttlMs?: number;
}

/**
 * Staff and email lookups through the Slack Web API, cached with a TTL so each card costs no extra
 * Slack call; a failed lookup counts as "not staff" / "no email" (the card is redacted, never leaked).
 */
export function createSlackAudience(client: webApi.WebClient, options: AudienceOptions): Audience {
  const ttl = options.ttlMs ?? 10 * 60_000;
  const staff = new Set(options.staffUserIds);
  const emails = new LRUCache<string, { email: string | undefined }>({ max: 10_000, ttl });
  let group: { members: Promise<Set<string>>; at: number } | undefined;

  const groupMembers = (): Promise<Set<string>> => {
    const id = options.staffUsergroupId;
    if (!id) return Promise.resolve(new Set());
    if (!group || Date.now() - group.at > ttl) {
      const members = client.usergroups.users
        .list({ usergroup: id })
        .then((r) => new Set(r.users ?? []))
        .catch(() => {
          group = undefined;
          return new Set<string>();
        });
      group = { members, at: Date.now() };
    }
    return group.members;
  };

  return {
    async isStaff(userId) {
      return staff.has(userId) || (await groupMembers()).has(userId);
    },
    async emailOf(userId) {
      const cached = emails.get(userId);
      if (cached) return cached.email;
      try {
        const response = await client.users.info({ user: userId });
        const email = response.user?.profile?.email;
        emails.set(userId, { email });
        return email;
      } catch {
        return undefined;
      }
    },
  };
}
