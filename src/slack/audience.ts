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
  /** How long Slack's "no such user / not visible" answer is trusted (default 1 minute). */
  negativeTtlMs?: number;
  /** Milliseconds for the group's age (tests inject one). Default `Date.now`. */
  clock?: () => number;
}

/**
 * Slack answered and said no (`user_not_found`, `missing_scope`, …): asking again soon gives the
 * same answer. A rate limit, an HTTP or network error is not an answer: the next lookup asks again.
 */
const isSlackAnswer = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  error.code === 'slack_webapi_platform_error';

/**
 * Staff and email lookups through the Slack Web API, cached with a TTL so each card costs no extra
 * Slack call; a failed lookup counts as "not staff" / "no email" (the card is redacted, never leaked).
 * Concurrent lookups for one person share one `users.info` call (a burst of 200 commands from one
 * person is one call, not 200 against a Tier 4 limit).
 */
export function createSlackAudience(client: webApi.WebClient, options: AudienceOptions): Audience {
  const ttl = options.ttlMs ?? 10 * 60_000;
  const staff = new Set(options.staffUserIds);
  const negativeTtl = options.negativeTtlMs ?? 60_000;
  const emails = new LRUCache<string, Promise<string | undefined>>({ max: 10_000, ttl });
  let group: { members: Promise<Set<string>>; at: number } | undefined;

  const clock = options.clock ?? Date.now;
  let refreshing = false;
  const listGroup = (id: string) =>
    client.usergroups.users.list({ usergroup: id }).then((r) => new Set(r.users ?? []));
  const groupMembers = (): Promise<Set<string>> => {
    const id = options.staffUsergroupId;
    if (!id) return Promise.resolve(new Set());
    const age = group ? clock() - group.at : Number.POSITIVE_INFINITY;
    if (!group || age > ttl) {
      const members = listGroup(id).catch(() => {
        group = undefined;
        return new Set<string>();
      });
      group = { members, at: clock() };
    } else if (age > ttl * 0.8 && !refreshing) {
      // Refresh ahead, in the background: a lookup never waits for the group once it is known (the
      // answer decides whose budget share a lookup spends, so it comes before the search).
      refreshing = true;
      listGroup(id)
        .then(
          (members) => {
            group = { members: Promise.resolve(members), at: clock() };
          },
          () => undefined,
        )
        .finally(() => {
          refreshing = false;
        });
    }
    return group.members;
  };

  return {
    async isStaff(userId) {
      return staff.has(userId) || (await groupMembers()).has(userId);
    },
    emailOf(userId) {
      const cached = emails.get(userId);
      if (cached) return cached;
      const email = client.users.info({ user: userId }).then(
        (response) => response.user?.profile?.email,
        (error: unknown) => {
          if (isSlackAnswer(error)) emails.set(userId, email, { ttl: negativeTtl });
          else if (emails.get(userId) === email) emails.delete(userId);
          return undefined;
        },
      );
      emails.set(userId, email);
      return email;
    },
  };
}
