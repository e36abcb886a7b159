import { describe, expect, it, vi } from 'vitest';
import type { ExplainReport, RayIdResult } from '../../src/core/report.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import type { ListenerDependencies } from '../../src/slack/dependencies.js';
import {
  BUTTON_FAILED,
  BUTTON_REFUSED,
  registerCardActions,
  SEARCH_FURTHER_STAFF_ONLY,
} from '../../src/slack/listeners/actions/card-actions.js';
import { registerAccessWhyCommand } from '../../src/slack/listeners/commands/access-why.js';
import { registerHelpdeskMessages } from '../../src/slack/listeners/events/helpdesk-messages.js';
import { registerAppHome } from '../../src/slack/listeners/home/app-home.js';
import { registerExplainShortcut } from '../../src/slack/listeners/shortcuts/explain-message.js';
import { createRecordingApp, fakeListenerArgs } from '../helpers/recording-app.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';
import { deniedResult, notFoundResult, RAY, report } from './blocks/fixtures.js';

const SUBJECT = 'alice@example.com'; // the user of `deniedResult()`

function depsWith(overrides: Partial<ListenerDependencies> = {}, result: RayIdResult = deniedResult()) {
  const explain = vi.fn(async (): Promise<ExplainReport> => report([result]));
  const audits: unknown[] = [];
  const deps = fakeSlackDeps({ explain, audit: (entry) => audits.push(entry), ...overrides });
  return { deps, explain, audits };
}

const command = (text: string) => ({
  text,
  user_id: 'U0BOB',
  team_id: 'T0',
  channel_id: 'C0GENERAL',
  command: '/access-why',
});

/** Every string the fake `respond` received, joined. */
const responded = (respond: ReturnType<typeof fakeListenerArgs>['respond']) =>
  respond.mock.calls.map((call) => JSON.stringify(call[0])).join('\n');

describe('/access-why listener', () => {
  it('answers help in the ack, without a lookup', async () => {
    const recorder = createRecordingApp();
    const { deps, explain } = depsWith();
    registerAccessWhyCommand(recorder.app, deps);
    const args = fakeListenerArgs();
    await recorder.handler('command', '/access-why')({ ...args, command: command('help') });
    expect(args.ack).toHaveBeenCalledWith(expect.objectContaining({ response_type: 'ephemeral' }));
    expect(explain).not.toHaveBeenCalled();
  });

  it('acks first, then answers privately: redacted for someone else, spending the asker’s share', async () => {
    const recorder = createRecordingApp();
    const { deps, explain, audits } = depsWith();
    registerAccessWhyCommand(recorder.app, deps);
    const args = fakeListenerArgs();
    await recorder.handler('command', '/access-why')({ ...args, command: command(RAY) });
    expect(args.ack.mock.invocationCallOrder[0]).toBeLessThan(explain.mock.invocationCallOrder[0] ?? 0);
    expect(explain).toHaveBeenCalledWith(expect.objectContaining({ text: RAY }), {
      id: 'U0BOB',
      staff: false,
    });
    expect(args.respond).toHaveBeenCalledWith(expect.objectContaining({ response_type: 'ephemeral' }));
    expect(responded(args.respond)).not.toContain(SUBJECT);
    expect(audits).toEqual([expect.objectContaining({ user: 'U0BOB', target: 'private', redacted: true })]);
  });

  it('staff and the subject get the full card; a dead response_url falls back to chat.postEphemeral', async () => {
    const recorder = createRecordingApp();
    const { deps } = depsWith({
      audience: { isStaff: async () => false, emailOf: async () => SUBJECT.toUpperCase() },
    });
    registerAccessWhyCommand(recorder.app, deps);
    const args = fakeListenerArgs();
    args.respond.mockRejectedValueOnce(new Error('expired_url'));
    await recorder.handler('command', '/access-why')({ ...args, command: command(RAY) });
    expect(args.client.chat.postEphemeral).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'C0GENERAL', user: 'U0BOB' }),
    );
    expect(JSON.stringify(args.client.chat.postEphemeral.mock.calls[0]?.[0])).toContain(SUBJECT);
  });
});

describe('message shortcut listener', () => {
  it('explains the message privately, with a Share button for its thread', async () => {
    const recorder = createRecordingApp();
    const { deps } = depsWith({ audience: { isStaff: async () => true, emailOf: async () => undefined } });
    registerExplainShortcut(recorder.app, deps);
    const args = fakeListenerArgs();
    await recorder.handler(
      'shortcut',
      'explain_access_denial',
    )({
      ...args,
      shortcut: {
        message: { ts: '1700000000.000100', text: `Ray ID: ${RAY}` },
        channel: { id: 'C0GENERAL' },
        user: { id: 'U0CAROL', team_id: 'T0' },
      },
    });
    expect(args.ack).toHaveBeenCalled();
    const answer = responded(args.respond);
    expect(answer).toContain(SUBJECT);
    expect(answer).toContain(ACTION_IDS.share);
  });
});

describe('card buttons listener', () => {
  function click(deps: ListenerDependencies, actionId: string, value: string, user = 'U0BOB') {
    const recorder = createRecordingApp();
    registerCardActions(recorder.app, deps);
    const args = fakeListenerArgs();
    const run = recorder.handler(
      'action',
      actionId,
    )({
      ...args,
      action: { value },
      body: {
        user: { id: user, team_id: 'T0' },
        team: { id: 'T0' },
        channel: { id: 'C0HELPDESK' },
        container: { is_ephemeral: false },
      },
    });
    return { args, run };
  }

  it('refuses a value it did not sign and tells only the clicker', async () => {
    const { deps, explain } = depsWith();
    const { args, run } = click(deps, ACTION_IDS.details, `AAAA.{"r":"${RAY}"}`);
    await run;
    expect(args.ack).toHaveBeenCalled();
    expect(args.respond).toHaveBeenCalledWith(
      expect.objectContaining({ response_type: 'ephemeral', text: BUTTON_REFUSED }),
    );
    expect(explain).not.toHaveBeenCalled();
  });

  it('Details re-checks the clicker: redacted for a bystander, full for staff, always ephemeral', async () => {
    for (const [staff, full] of [
      [false, false],
      [true, true],
    ] as const) {
      const { deps } = depsWith({ audience: { isStaff: async () => staff, emailOf: async () => undefined } });
      const { args, run } = click(
        deps,
        ACTION_IDS.details,
        deps.buttons.encode(ACTION_IDS.details, { r: RAY }),
      );
      await run;
      expect(args.respond).toHaveBeenCalledWith(
        expect.objectContaining({ response_type: 'ephemeral', replace_original: false }),
      );
      expect(responded(args.respond).includes(SUBJECT)).toBe(full);
      expect(args.client.chat.postMessage).not.toHaveBeenCalled();
    }
  });

  it('a failing lookup goes to the one error sink and the clicker hears about it', async () => {
    const unexpected: unknown[] = [];
    const { deps } = depsWith({
      onUnexpected: (error) => unexpected.push(error),
      audit: () => {
        throw new Error('audit sink down');
      },
    });
    const { args, run } = click(
      deps,
      ACTION_IDS.rawEvent,
      deps.buttons.encode(ACTION_IDS.rawEvent, { r: RAY }),
    );
    await run;
    expect(unexpected).toHaveLength(1);
    expect(args.respond).toHaveBeenCalledWith(expect.objectContaining({ text: BUTTON_FAILED }));
  });

  it('Search further back is refused to non-staff before any lookup', async () => {
    const { deps, explain } = depsWith({}, notFoundResult());
    const value = deps.buttons.encode(ACTION_IDS.searchFurther, { r: RAY });
    const { args, run } = click(deps, ACTION_IDS.searchFurther, value);
    await run;
    expect(args.respond).toHaveBeenCalledWith(expect.objectContaining({ text: SEARCH_FURTHER_STAFF_ONLY }));
    expect(explain).not.toHaveBeenCalled();
  });

  it('Share posts only in the channel the click came from, redacted unless it is a staff channel', async () => {
    for (const staffChannel of [false, true]) {
      const { deps } = depsWith({
        audience: { isStaff: async () => true, emailOf: async () => undefined },
        staffChannelIds: new Set(staffChannel ? ['C0HELPDESK'] : []),
      });
      const value = deps.buttons.encode(ACTION_IDS.share, { r: RAY, t: '1700000000.000100' });
      const { args, run } = click(deps, ACTION_IDS.share, value, 'U0CAROL');
      await run;
      const post = args.client.chat.postMessage.mock.calls[0]?.[0];
      expect(post).toMatchObject({ channel: 'C0HELPDESK', thread_ts: '1700000000.000100' });
      expect(JSON.stringify(post).includes(SUBJECT)).toBe(staffChannel);
    }
  });
});

describe('helpdesk message listener', () => {
  const event = (channel: string) => ({
    type: 'message',
    channel,
    user: 'U0BOB',
    text: `Ray ID: ${RAY}`,
    ts: '1700000000.000100',
  });

  it('answers a helpdesk post once in its thread, redacted; ignores other channels', async () => {
    const recorder = createRecordingApp();
    const { deps, explain } = depsWith({ helpdeskChannelIds: new Set(['C0HELPDESK']) });
    registerHelpdeskMessages(recorder.app, deps);
    const handle = recorder.handler('event', 'message');
    const deliver = async (channel: string) => {
      const args = fakeListenerArgs();
      await handle({ ...args, event: event(channel), body: { event_id: 'Ev1', team_id: 'T0' }, context: {} });
      return args;
    };
    expect((await deliver('C0GENERAL')).client.chat.postMessage).not.toHaveBeenCalled();
    const answered = await deliver('C0HELPDESK');
    expect(answered.client.chat.postMessage).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'C0HELPDESK', thread_ts: '1700000000.000100' }),
    );
    expect(answered.client.chat.update).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(answered.client.chat.update.mock.calls)).not.toContain(SUBJECT);
    // Slack's re-delivery of the same event gets nothing.
    expect((await deliver('C0HELPDESK')).client.chat.postMessage).not.toHaveBeenCalled();
    expect(explain).toHaveBeenCalledTimes(1);
  });
});

describe('App Home listener', () => {
  it('shows the staff-channel check to staff only', async () => {
    for (const staff of [false, true]) {
      const recorder = createRecordingApp();
      const { deps } = depsWith({
        audience: { isStaff: async () => staff, emailOf: async () => undefined },
        staffChannelIds: new Set(['G0STAFF']),
      });
      registerAppHome(recorder.app, deps);
      const args = fakeListenerArgs();
      await recorder.handler(
        'event',
        'app_home_opened',
      )({
        ...args,
        event: { tab: 'home', user: 'U0X' },
        body: {},
      });
      const view = JSON.stringify(args.client.views.publish.mock.calls[0]?.[0]);
      expect(view.includes('Staff channels')).toBe(staff);
      expect(args.client.conversations.info).toHaveBeenCalledTimes(staff ? 1 : 0);
    }
  });
});
