import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RAY } from '../../src/sandbox/dataset.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import { type Harness, startHarness } from '../helpers/bot-harness.js';
import {
  blockActionPayload,
  postInteraction,
  signedHeaders,
  slashCommandBody,
} from '../helpers/slack-request.js';

/** A small budget, so a burst reaches it: 100 GraphQL queries, 10 per non-staff user, 20 kept for staff. */
const SECRET = 'fair-use-signing-secret';
let h: Harness;
let counter = 0;

beforeAll(async () => {
  h = await startHarness({
    signingSecret: SECRET,
    slack: {
      users: { U0BOB: 'bob@northwind.example', U0CAROL: 'carol@northwind.example' },
      usergroups: { S0HELPDESK: ['U0CAROL'] },
    },
    env: { HELPDESK_USERGROUP_ID: 'S0HELPDESK', CLOUDFLARE_GRAPHQL_BUDGET: '100' },
  });
});
afterAll(() => h?.stop());

async function ask(user: string, text: string): Promise<string> {
  const id = `fair-${++counter}`;
  const body = slashCommandBody(text, h.slack.responseUrl(id)).replace('user_id=U0ALICE', `user_id=${user}`);
  const response = await fetch(h.url, { method: 'POST', headers: signedHeaders(SECRET, body), body });
  expect(response.status).toBe(200);
  return JSON.stringify(
    JSON.parse((await h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000)).rawBody),
  );
}

/** A Ray ID no sample event has: each one costs fresh GraphQL searches. */
const unknownRay = (i: number) => `0000beef${i.toString(16).padStart(8, '0')}`;

describe('fair use of the Cloudflare budget', () => {
  it("one user's burst of not-found lookups cannot stop a staff lookup, and tells them when to ask again", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) answers.push(await ask('U0BOB', unknownRay(i)));
    expect(answers[0]).toMatch(/No Access login/);
    const refused = answers.filter((a) => a.includes('used your share'));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatch(/ask again in \d+ s/);
    // The helpdesk is not locked out: a staff lookup still gets its card.
    const staff = await ask('U0CAROL', SAMPLE_RAY.notInInclude);
    expect(staff).toMatch(/Not in any Include rule/);
    expect(staff).toContain('priya.shah@personal.example');
  });

  it('"Search further back" is for staff only by default, and a refused click spends nothing', async () => {
    const card = JSON.parse(await ask('U0CAROL', unknownRay(99))) as {
      blocks: Array<Record<string, unknown>>;
    };
    const button = card.blocks
      .flatMap((b) => (b.elements as Array<{ action_id?: string; value?: string }> | undefined) ?? [])
      .find((e) => e.action_id === ACTION_IDS.searchFurther);
    expect(button?.value).toBeTruthy();
    const graphqlBefore = h.standIn.requests.filter((r) => r.path.endsWith('/graphql')).length;
    const id = `further-${++counter}`;
    await postInteraction(
      h.url,
      SECRET,
      blockActionPayload({
        actionId: ACTION_IDS.searchFurther,
        value: button?.value ?? '',
        user: 'U0BOB',
        responseUrl: h.slack.responseUrl(id),
      }),
    );
    const answer = await h.slack.waitFor((r) => r.path === `/response/${id}`, 8_000);
    expect((answer.body as Record<string, string>).text).toMatch(
      /Only helpdesk staff can search further back/,
    );
    expect(h.standIn.requests.filter((r) => r.path.endsWith('/graphql')).length).toBe(graphqlBefore);
  });

  it('a non-staff card offers no "Search further back" button at all', async () => {
    const before = h.standIn.requests.length;
    const card = await ask('U0DAVE', unknownRay(100));
    expect(card).toMatch(/No Access login/);
    expect(card).not.toContain(ACTION_IDS.searchFurther);
    // A whole not-found search (30 days here) fits in one user's share.
    expect(
      h.standIn.requests.slice(before).filter((r) => r.path.endsWith('/graphql')).length,
    ).toBeLessThanOrEqual(10);
  });
});
