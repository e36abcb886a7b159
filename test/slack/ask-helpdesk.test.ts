import { describe, expect, it, vi } from 'vitest';
import type { ExplainReport, RayIdResult } from '../../src/core/report.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import type { ListenerDependencies } from '../../src/slack/dependencies.js';
import {
  ASK_NO_CHANNEL,
  ASK_NOT_OWN,
  registerAskHelpdesk,
} from '../../src/slack/listeners/actions/ask-helpdesk.js';
import { registerAccessWhyCommand } from '../../src/slack/listeners/commands/access-why.js';
import { createRecordingApp, fakeListenerArgs } from '../helpers/recording-app.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';
import { allowedResult, deniedResult, RAY, report } from './blocks/fixtures.js';

const SUBJECT = 'alice@example.com'; // the user of `deniedResult()`
const REQUESTS = 'C0REQUESTS';

function depsFor(
  email: string | undefined,
  overrides: Partial<ListenerDependencies> = {},
  result: RayIdResult = deniedResult(),
) {
  const explain = vi.fn(async (): Promise<ExplainReport> => report([result]));
  return fakeSlackDeps({
    explain,
    helpdeskRequestsChannelId: REQUESTS,
    audience: { isStaff: async () => false, emailOf: async () => email },
    ...overrides,
  });
}

async function commandCard(deps: ListenerDependencies): Promise<string> {
  const recorder = createRecordingApp();
  registerAccessWhyCommand(recorder.app, deps);
  const args = fakeListenerArgs();
  await recorder.handler(
    'command',
    '/access-why',
  )({
    ...args,
    command: { text: RAY, user_id: 'U0ALICE', team_id: 'T0', channel_id: 'C0GENERAL' },
  });
  return JSON.stringify(args.respond.mock.calls);
}

function clicker(deps: ListenerDependencies) {
  const recorder = createRecordingApp();
  registerAskHelpdesk(recorder.app, deps);
  const handle = recorder.handler('action', ACTION_IDS.askHelpdesk);
  const args = fakeListenerArgs();
  const click = (user = 'U0ALICE', value = deps.buttons.encode(ACTION_IDS.askHelpdesk, { r: RAY })) =>
    handle({
      ...args,
      action: { value },
      body: {
        user: { id: user, team_id: 'T0' },
        team: { id: 'T0' },
        channel: { id: 'C0GENERAL' },
        container: { is_ephemeral: true },
      },
    });
  return { args, click };
}

describe('Ask the helpdesk', () => {
  it('is offered on the private card of the viewer’s own denial only, and only with a requests channel', async () => {
    expect(await commandCard(depsFor(SUBJECT.toUpperCase()))).toContain(ACTION_IDS.askHelpdesk);
    expect(await commandCard(depsFor('bob@example.com'))).not.toContain(ACTION_IDS.askHelpdesk);
    expect(await commandCard(depsFor(undefined))).not.toContain(ACTION_IDS.askHelpdesk);
    expect(await commandCard(depsFor(SUBJECT, { helpdeskRequestsChannelId: undefined }))).not.toContain(
      ACTION_IDS.askHelpdesk,
    );
    // An allowed request is not a denial to ask about.
    expect(await commandCard(depsFor(SUBJECT, {}, allowedResult()))).not.toContain(ACTION_IDS.askHelpdesk);
  });

  it('clicked twice posts one redacted request that mentions the clicker and offers Details', async () => {
    const deps = depsFor(SUBJECT);
    const { args, click } = clicker(deps);
    await click();
    await click();
    expect(args.client.chat.postMessage).toHaveBeenCalledTimes(1);
    const post = args.client.chat.postMessage.mock.calls[0]?.[0] ?? {};
    expect(post.channel).toBe(REQUESTS);
    const posted = JSON.stringify(post);
    expect(posted).toContain('<@U0ALICE>');
    expect(posted).toContain('Grafana');
    expect(posted).toContain(ACTION_IDS.details);
    expect(posted).toContain('Country not allowed (network or country)');
    expect(posted).not.toContain(SUBJECT);
    expect(posted).not.toContain('203.0.113');
    // The Details value is signed for Details and carries the Ray ID.
    const details = JSON.parse(posted).blocks.flatMap(
      (b: { elements?: Array<{ action_id?: string; value?: string }> }) => b.elements ?? [],
    );
    const value = details.find((e: { action_id?: string }) => e.action_id === ACTION_IDS.details)?.value;
    expect(deps.buttons.decode(ACTION_IDS.details, value)).toEqual({ ok: true, value: { r: RAY } });
    // The user's card is replaced both times, saying the request went out, without the button.
    expect(args.respond).toHaveBeenCalledTimes(2);
    const [first, second] = args.respond.mock.calls.map((c) => JSON.stringify(c[0]));
    expect(first).toContain(`Sent to the helpdesk in <#${REQUESTS}>`);
    expect(second).toContain(`Already sent to the helpdesk in <#${REQUESTS}>`);
    expect(first).not.toContain(ACTION_IDS.askHelpdesk);
    expect(args.respond.mock.calls[0]?.[0]).toMatchObject({ replace_original: true });
  });

  it('refuses someone else’s denial, a forged value, and a missing channel, posting nothing', async () => {
    const other = clicker(depsFor('bob@example.com'));
    await other.click('U0BOB');
    expect(other.args.respond).toHaveBeenCalledWith(expect.objectContaining({ text: ASK_NOT_OWN }));

    const forged = clicker(depsFor(SUBJECT));
    await forged.click('U0ALICE', `AAAA.{"r":"${RAY}"}`);
    expect(JSON.stringify(forged.args.respond.mock.calls)).toMatch(/not made by access-why/);

    const deps = depsFor(SUBJECT, { helpdeskRequestsChannelId: undefined });
    const none = clicker(deps);
    await none.click();
    expect(none.args.respond).toHaveBeenCalledWith(expect.objectContaining({ text: ASK_NO_CHANNEL }));
    for (const { args } of [other, forged, none]) expect(args.client.chat.postMessage).not.toHaveBeenCalled();
  });

  it('a failed post tells the user to post the Ray ID themselves', async () => {
    const { args, click } = clicker(depsFor(SUBJECT));
    args.client.chat.postMessage.mockRejectedValueOnce(new Error('not_in_channel'));
    await click();
    expect(JSON.stringify(args.respond.mock.calls)).toContain(`Post the Ray ID \`${RAY}\` there yourself`);
  });

  it('after a failed post the next click posts the request (the claim is released)', async () => {
    const { args, click } = clicker(depsFor(SUBJECT));
    args.client.chat.postMessage.mockRejectedValueOnce(new Error('not_in_channel'));
    await click();
    await click();
    expect(args.client.chat.postMessage).toHaveBeenCalledTimes(2);
    await click();
    expect(args.client.chat.postMessage).toHaveBeenCalledTimes(2);
  });
});
