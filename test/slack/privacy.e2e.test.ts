import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleDataset, SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import { personalValues } from '../helpers/personal-values.js';
import { postSlashCommand, signedHeaders, slashCommandBody } from '../helpers/slack-request.js';

const SECRET = 'privacy-signing-secret';
const OWNER_EMAIL = 'priya.shah@personal.example'; // the subject of SAMPLE_RAY.notInInclude
let h: Harness;
let counter = 0;

beforeAll(async () => {
  h = await startHarness({
    signingSecret: SECRET,
    slack: {
      users: {
        U0BOB: 'bob@northwind.example',
        U0PRIYA: OWNER_EMAIL.toUpperCase(),
        U0CAROL: 'carol@northwind.example',
      },
      usergroups: { S0HELPDESK: ['U0CAROL'] },
    },
    env: { HELPDESK_CHANNEL_IDS: 'C0HELPDESK', HELPDESK_USERGROUP_ID: 'S0HELPDESK' },
    standIn: { dataset: datasetWithAFailedLoginOnly() },
  });
});
afterAll(() => h?.stop());

/** A Ray ID that analytics never sampled, present only in the subject's failed logins. */
const FAILED_LOGIN_ONLY = '5a5a5a5a5a5a5a5a';

function datasetWithAFailedLoginOnly() {
  const dataset = createSampleDataset(new Date());
  const priya = dataset.users.find((u) => u.email === OWNER_EMAIL);
  if (!priya) throw new Error('sample dataset lost its one-time-PIN user');
  dataset.failedLogins[priya.id]?.push({
    expiration: 0,
    metadata: {
      app_name: 'Engineering Wiki',
      aud: 'b'.repeat(64),
      datetime: new Date(Date.now() - 600_000).toISOString(),
      ray_id: FAILED_LOGIN_ONLY,
      user_email: OWNER_EMAIL,
      user_uuid: priya.id,
    },
  });
  return dataset;
}

/** `/access-why` as `user` in `channel`; returns everything the bot posted for it, as text. */
async function ask(user: string, channel: string, text: string): Promise<string> {
  const id = `p-${++counter}`;
  const body = slashCommandBody(text, h.slack.responseUrl(id))
    .replace('user_id=U0ALICE', `user_id=${user}`)
    .replace('channel_id=C0HELPDESK', `channel_id=${channel}`);
  const response = await fetch(h.url, { method: 'POST', headers: signedHeaders(SECRET, body), body });
  expect(response.status).toBe(200);
  return (await h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000)).rawBody;
}

describe('who sees what', () => {
  it('a non-staff requester never sees a field of another person’s event, for any sample event', async () => {
    const featured = h.standIn.dataset.events.filter((e) => !e.background);
    expect(featured.length).toBeGreaterThan(10);
    for (const event of featured) {
      const posted = await ask('U0BOB', 'C0GENERAL', `Ray ID: ${event.cfRayId}`);
      const decoded = JSON.stringify(JSON.parse(posted));
      expect(decoded).toContain(event.cfRayId);
      for (const value of personalValues(h.standIn.dataset, event.cfRayId))
        expect(decoded, `${event.cfRayId} leaks ${value}`).not.toContain(value);
    }
  });

  it('the redacted card still says what happened and what to do', async () => {
    const card = JSON.stringify(JSON.parse(await ask('U0BOB', 'C0GENERAL', SAMPLE_RAY.notInInclude)));
    expect(card).toMatch(/Access denied/);
    expect(card).toMatch(/Not in any Include rule/);
    expect(card).toMatch(/Details hidden/);
  });

  it('the subject sees their own event in full (email matched case-insensitively)', async () => {
    const card = JSON.stringify(JSON.parse(await ask('U0PRIYA', 'C0GENERAL', SAMPLE_RAY.notInInclude)));
    expect(card).toContain(OWNER_EMAIL);
    expect(card).toContain('198.51.100.23');
    expect(card).not.toMatch(/Details hidden/);
  });

  it('staff (user group member) see the full card privately anywhere; asking in a helpdesk channel does not make anyone staff', async () => {
    for (const channel of ['C0GENERAL', 'C0HELPDESK']) {
      const card = JSON.stringify(JSON.parse(await ask('U0CAROL', channel, SAMPLE_RAY.notInInclude)));
      expect(card).toContain(OWNER_EMAIL);
    }
    const bobs = JSON.stringify(JSON.parse(await ask('U0BOB', 'C0HELPDESK', SAMPLE_RAY.notInInclude)));
    expect(bobs).not.toContain(OWNER_EMAIL);
    expect(bobs).toMatch(/Details hidden/);
  });

  it("finds a Ray ID analytics lacks among the asker's own failed logins", async () => {
    const card = JSON.stringify(JSON.parse(await ask('U0PRIYA', 'C0GENERAL', FAILED_LOGIN_ONLY)));
    expect(card).toMatch(
      /failed logins has this Ray ID: Access denied priya\.shah@personal\.example at Engineering Wiki/,
    );
    // Anyone else's search covers their own failed logins, not Priya's: a plain not-found card.
    const other = JSON.stringify(JSON.parse(await ask('U0BOB', 'C0GENERAL', FAILED_LOGIN_ONLY)));
    expect(other).not.toContain(OWNER_EMAIL);
  });

  it('writes one audit line per lookup, without the pasted text', async () => {
    h.logs.length = 0;
    await ask('U0BOB', 'C0GENERAL', `secret paste words Ray ID: ${SAMPLE_RAY.ipNotAllowed}`);
    const audits = h.logs
      .filter((l) => l.includes('"event":"lookup"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      event: 'lookup',
      user: 'U0BOB',
      team: 'T0SANDBOX',
      channel: 'C0GENERAL',
      target: 'private',
      surface: 'command',
      rayIds: [SAMPLE_RAY.ipNotAllowed],
      results: [{ rayId: SAMPLE_RAY.ipNotAllowed, outcome: 'denied', cause: 'ip_not_allowed' }],
      redacted: true,
    });
    expect(h.logs.join('\n')).not.toContain('secret paste words');
  });

  it('answers through chat.postEphemeral when the response_url has expired', async () => {
    // The fake answers 404 on this path, as Slack does for a response_url used up or past 30 minutes.
    await postSlashCommand(h.url, SECRET, SAMPLE_RAY.notInInclude, `${h.slack.baseUrl}/expired/response`);
    const ephemeral = await h.slack.waitFor((r) => r.path === '/api/chat.postEphemeral', 8_000);
    expect((ephemeral.body as Record<string, string>).user).toBe('U0ALICE');
    expect(ephemeral.rawBody).toContain(SAMPLE_RAY.notInInclude);
  });
});
