import { App } from '@slack/bolt';
import { describe, expect, it, vi } from 'vitest';
import { registerListeners } from '../../src/slack/listeners/index.js';
import { createListenerRegistry } from '../../src/slack/listeners/listener-registry.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';

/** A real Bolt app (no receiver started; identity given, so no auth.test call). */
function boltApp() {
  return new App({
    token: 'xoxb-registry-test',
    signingSecret: 'unused',
    botId: 'B0TEST',
    botUserId: 'U0TEST',
  });
}

/** Feeds one payload through Bolt's own dispatch, as its receivers do. */
async function deliver(app: App, body: Record<string, unknown>) {
  const ack = vi.fn(async () => undefined);
  await app.processEvent({ body, ack });
  return ack;
}

const button = (actionId: string) => ({
  type: 'block_actions',
  team: { id: 'T1' },
  user: { id: 'U1', team_id: 'T1' },
  container: { type: 'message' },
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: 'v', action_ts: '1' }],
  response_url: 'http://127.0.0.1:9/response',
  trigger_id: 't',
});

describe('listener registry', () => {
  it('the whole app: a dozen listeners, no Bolt listener chain — one global middleware dispatches', () => {
    const app = boltApp();
    const internals = app as unknown as { listeners: unknown[]; middleware: unknown[] };
    const listenersBefore = internals.listeners.length;
    const middlewareBefore = internals.middleware.length;
    const registry = registerListeners(app, fakeSlackDeps());
    const ids = registry.ids();
    const total = ids.commands.length + ids.shortcuts.length + ids.actions.length + ids.events.length;
    expect(total).toBeGreaterThanOrEqual(12);
    expect(internals.listeners.length - listenersBefore).toBe(0);
    expect(internals.middleware.length - middlewareBefore).toBe(1);
  });

  it('dispatches each payload to the listener of its id, through Bolt', async () => {
    const app = boltApp();
    const registry = createListenerRegistry();
    const seen: string[] = [];
    registry.action('first', async ({ ack, action }) => {
      await ack();
      seen.push(`first:${action.value}`);
    });
    registry.action('second', async ({ ack }) => {
      await ack();
      seen.push('second');
    });
    registry.command('/thing', async ({ ack, command }) => {
      await ack();
      seen.push(`command:${command.text}`);
    });
    registry.event('app_mention', async ({ event }) => {
      seen.push(`mention:${event.text}`);
    });
    registry.mount(app);
    expect((await deliver(app, button('second'))).mock.calls).toHaveLength(1);
    await deliver(app, button('first'));
    await deliver(app, {
      command: '/thing',
      text: 'hello',
      team_id: 'T1',
      user_id: 'U1',
      channel_id: 'C1',
      response_url: 'http://127.0.0.1:9/response',
      trigger_id: 't',
    });
    await deliver(app, {
      type: 'event_callback',
      team_id: 'T1',
      event_id: 'Ev1',
      event: { type: 'app_mention', text: 'hi', user: 'U1', channel: 'C1', ts: '1.2', event_ts: '1.2' },
    });
    expect(seen).toEqual(['second', 'first:v', 'command:hello', 'mention:hi']);
  });

  it("drops events by the bot's own user, as Bolt's ignoreSelf would (the app turns it off)", async () => {
    const app = new App({
      token: 'xoxb-registry-test',
      signingSecret: 'unused',
      botId: 'B0TEST',
      botUserId: 'U0TEST',
      ignoreSelf: false,
    });
    const registry = createListenerRegistry();
    const seen: string[] = [];
    registry.event('app_mention', async ({ event }) => {
      seen.push(event.user ?? '');
    });
    registry.mount(app);
    const mention = (user: string) => ({
      type: 'event_callback',
      team_id: 'T1',
      event_id: `Ev-${user}`,
      event: { type: 'app_mention', text: 'hi', user, channel: 'C1', ts: '1.2', event_ts: '1.2' },
    });
    await deliver(app, mention('U0TEST'));
    await deliver(app, mention('U0HUMAN'));
    expect(seen).toEqual(['U0HUMAN']);
  });

  it('matches ids exactly: a longer id, a prefix or a pattern-like id reaches nobody', async () => {
    const app = boltApp();
    const registry = createListenerRegistry();
    const seen: string[] = [];
    registry.action('show.details', async ({ ack }) => {
      await ack();
      seen.push('show.details');
    });
    registry.mount(app);
    for (const id of ['show.details_x', 'show', 'showXdetails', 'x_show.details'])
      await deliver(app, button(id)).catch(() => undefined);
    expect(seen).toEqual([]);
    await deliver(app, button('show.details'));
    expect(seen).toEqual(['show.details']);
  });

  it('passes a payload it has no listener for on to Bolt (next)', async () => {
    const app = boltApp();
    const registry = createListenerRegistry();
    const seen: string[] = [];
    registry.action('mine', async ({ ack }) => {
      await ack();
      seen.push('registry');
    });
    registry.mount(app);
    app.action('theirs', async ({ ack }) => {
      await ack();
      seen.push('bolt');
    });
    await deliver(app, button('theirs'));
    await deliver(app, button('mine'));
    expect(seen).toEqual(['bolt', 'registry']);
  });

  it('refuses a second listener for the same id', () => {
    const registry = createListenerRegistry();
    registry.command('/x', async () => undefined);
    expect(() => registry.command('/x', async () => undefined)).toThrow(/registered already/);
  });
});
