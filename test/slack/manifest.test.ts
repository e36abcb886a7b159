import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import { addListeners } from '../../src/slack/listeners/index.js';
import { createListenerRegistry } from '../../src/slack/listeners/listener-registry.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const manifestSchema = z.object({
  features: z.object({
    app_home: z.object({ home_tab_enabled: z.boolean() }).optional(),
    slash_commands: z.array(z.object({ command: z.string() })).default([]),
    shortcuts: z
      .array(z.object({ callback_id: z.string(), type: z.enum(['message', 'global']) }))
      .default([]),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ bot_events: z.array(z.string()) }),
    interactivity: z.object({ is_enabled: z.boolean() }),
    socket_mode_enabled: z.boolean(),
  }),
});
const manifest = manifestSchema.parse(parse(readFileSync(resolve(root, 'manifest.yml'), 'utf8')));

/** What the listeners register, by kind. */
function registered() {
  const registry = createListenerRegistry();
  addListeners(registry, fakeSlackDeps());
  return registry.ids();
}

/** Bot events Slack delivers as one Bolt event name, and the scope each needs. */
const EVENT_NAME: Record<string, string> = {
  'message.channels': 'message',
  'message.groups': 'message',
  'message.im': 'message',
  app_mention: 'app_mention',
  app_home_opened: 'app_home_opened',
};
const EVENT_SCOPE: Record<string, string | undefined> = {
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  app_mention: 'app_mentions:read',
  app_home_opened: undefined,
};

describe('manifest.yml and the registered listeners agree', () => {
  const code = registered();

  it('declares exactly the slash commands the code handles', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...code.commands].sort());
  });

  it('declares exactly the shortcuts the code handles (as message shortcuts)', () => {
    expect(manifest.features.shortcuts.map((s) => s.callback_id).sort()).toEqual([...code.shortcuts].sort());
    expect(manifest.features.shortcuts.every((s) => s.type === 'message')).toBe(true);
  });

  it('subscribes to exactly the events the code listens to, with the scopes they need', () => {
    const bolt = [
      ...new Set(manifest.settings.event_subscriptions.bot_events.map((e) => EVENT_NAME[e] ?? e)),
    ].sort();
    expect(bolt).toEqual([...new Set(code.events)].sort());
    for (const event of manifest.settings.event_subscriptions.bot_events) {
      const scope = EVENT_SCOPE[event];
      if (scope) expect(manifest.oauth_config.scopes.bot).toContain(scope);
    }
  });

  it('enables interactivity and the Home tab, which the buttons, the shortcut and app_home_opened need', () => {
    expect([...code.actions].sort()).toEqual(Object.values(ACTION_IDS).sort());
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'users:read', 'users:read.email', 'usergroups:read']),
    );
  });

  it('is the Socket Mode manifest (the README shows the HTTP differences)', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
