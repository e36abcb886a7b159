import { describe, expect, it, vi } from 'vitest';
import type { ExplainReport } from '../../src/core/report.js';
import type { AuditEntry, Destination, ListenerDependencies } from '../../src/slack/dependencies.js';
import { lookUpFor } from '../../src/slack/lookup.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';
import { deniedResult, errorResult, RAY, report } from './blocks/fixtures.js';

const SUBJECT = 'alice@example.com';
const viewer = { userId: 'U0BOB', teamId: 'T0', channelId: 'C0ASKED', surface: 'command' } as const;

function setup(options: { staff?: boolean; email?: string; staffChannels?: readonly string[] } = {}) {
  const audits: AuditEntry[] = [];
  const explain = vi.fn<ListenerDependencies['explain']>(async () =>
    report([deniedResult(), errorResult('upstream_timeout', {}, 'bbbbbbbbbbbbbbbb')]),
  );
  const deps = fakeSlackDeps({
    explain,
    audit: (entry) => audits.push(entry),
    staffChannelIds: new Set(options.staffChannels ?? []),
    audience: { isStaff: async () => options.staff ?? false, emailOf: async () => options.email },
  });
  return { deps, audits, explain };
}

const full = (r: ExplainReport) => JSON.stringify(r.results[0]).includes(SUBJECT);

describe('lookUpFor: what a destination may see', () => {
  const privately: Destination = { kind: 'private' };
  const inChannel = (channelId: string): Destination => ({ kind: 'channel', channelId });

  it.each([
    ['a bystander, privately', {}, privately, false],
    ['staff, privately', { staff: true }, privately, true],
    ['the subject, privately (email case-insensitive)', { email: SUBJECT.toUpperCase() }, privately, true],
    ['staff, in a public channel', { staff: true }, inChannel('C0HELPDESK'), false],
    ['the subject, in a public channel', { email: SUBJECT }, inChannel('C0HELPDESK'), false],
    ['a bystander, in a staff channel', { staffChannels: ['G0STAFF'] }, inChannel('G0STAFF'), true],
  ] as const)('%s', async (_name, options, destination, expectFull) => {
    const { deps } = setup(options);
    const { report: shown } = await lookUpFor(deps, viewer, { text: RAY }, destination);
    expect(full(shown)).toBe(expectFull);
    // Errors carry nobody's data and pass through unchanged.
    expect(shown.results[1]).toMatchObject({ outcome: 'error' });
  });

  it('passes the asker’s email to the search and spends their share', async () => {
    const { deps, explain } = setup({ staff: true, email: 'carol@example.com' });
    const outcome = await lookUpFor(deps, viewer, { text: RAY }, privately);
    expect(outcome.staff).toBe(true);
    expect(explain).toHaveBeenCalledWith(
      { text: RAY, requesterEmail: expect.anything() },
      { id: 'U0BOB', staff: true },
    );
    expect(await explain.mock.calls[0]?.[0].requesterEmail).toBe('carol@example.com');
  });

  it('starts the search before Slack has said who the asker is (users.info is not on the card’s path)', async () => {
    let answer: (email: string) => void = () => undefined;
    const email = new Promise<string>((resolve) => {
      answer = resolve;
    });
    const explain = vi.fn(async (): Promise<ExplainReport> => report([deniedResult()]));
    const deps = fakeSlackDeps({ explain, audience: { isStaff: async () => false, emailOf: () => email } });
    const outcome = lookUpFor(deps, viewer, { text: RAY }, privately);
    await vi.waitFor(() => expect(explain).toHaveBeenCalledTimes(1));
    answer(SUBJECT);
    // The email still decides what the asker sees: the subject gets the full card.
    expect(full((await outcome).report)).toBe(true);
  });

  it('writes one audit line with origin, target and team, and no text', async () => {
    const { deps, audits } = setup();
    await lookUpFor(deps, viewer, { text: `secret words ${RAY}` }, inChannel('C0HELPDESK'));
    expect(audits).toEqual([
      {
        time: expect.any(String),
        event: 'lookup',
        user: 'U0BOB',
        team: 'T0',
        channel: 'C0ASKED',
        target: 'C0HELPDESK',
        surface: 'command',
        rayIds: [RAY, 'bbbbbbbbbbbbbbbb'],
        results: [
          { rayId: RAY, outcome: 'denied', cause: 'country_not_allowed' },
          { rayId: 'bbbbbbbbbbbbbbbb', outcome: 'error', cause: 'upstream_timeout' },
        ],
        redacted: true,
      },
    ]);
    expect(JSON.stringify(audits)).not.toContain('secret words');
  });

  it('turns a throwing use case into error results for each Ray ID, through the one error sink', async () => {
    const unexpected: unknown[] = [];
    const deps = fakeSlackDeps({
      explain: async () => {
        throw new TypeError('bug');
      },
      onUnexpected: (error) => unexpected.push(error),
    });
    const { report: shown } = await lookUpFor(deps, viewer, { text: RAY }, privately);
    expect(shown.results).toEqual([expect.objectContaining({ rayId: RAY, outcome: 'error' })]);
    expect(unexpected).toHaveLength(1);
  });
});
