import type {
  App,
  BlockButtonAction,
  MessageShortcut,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
} from '@slack/bolt';

export type CommandListener = Middleware<SlackCommandMiddlewareArgs>;
export type ShortcutListener = Middleware<SlackShortcutMiddlewareArgs<MessageShortcut>>;
export type ButtonListener = Middleware<SlackActionMiddlewareArgs<BlockButtonAction>>;
export type EventListener<E extends string> = Middleware<SlackEventMiddlewareArgs<E>>;

/**
 * Where the listeners register, with the argument shapes Bolt gives them. Bolt runs every registered
 * listener's middleware chain (a copy of the arguments and a few promises each) for every request
 * it receives, so a dozen listeners cost a burst of slash commands about as much as Bolt's own work
 * (measured in `npm run bench`: the ack latency under 200 concurrent commands). The registry
 * collects them by id and `mount` gives Bolt one listener per payload kind that dispatches by id.
 */
export interface ListenerRegistry {
  command(name: string, listener: CommandListener): void;
  /** A message shortcut (`message_action`) by its callback id. */
  shortcut(callbackId: string, listener: ShortcutListener): void;
  /** A Block Kit button (`block_actions`) by its action id. */
  action(actionId: string, listener: ButtonListener): void;
  event<E extends string>(type: E, listener: EventListener<E>): void;
}

export interface RegisteredIds {
  commands: string[];
  shortcuts: string[];
  actions: string[];
  events: string[];
}

export interface MountableRegistry extends ListenerRegistry {
  /** What was registered, by kind (the manifest test compares it with `manifest.yml`). */
  ids(): RegisteredIds;
  /**
   * Registers one Bolt listener per kind that has any, matching exactly the ids registered. Events
   * by the bot's own user are dropped (the app turns Bolt's `ignoreSelf` middleware off).
   */
  mount(app: Pick<App, 'command' | 'shortcut' | 'action' | 'event'>): void;
}

const escapeRegExp = (id: string) => id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Matches exactly these ids (Bolt tests a RegExp constraint with `.test`). */
const exactly = (ids: Iterable<string>) => new RegExp(`^(?:${[...ids].map(escapeRegExp).join('|')})$`);

export function createListenerRegistry(): MountableRegistry {
  const commands = new Map<string, CommandListener>();
  const shortcuts = new Map<string, ShortcutListener>();
  const actions = new Map<string, ButtonListener>();
  const events = new Map<string, EventListener<string>>();
  const add = <L>(kind: string, table: Map<string, L>, id: string, listener: L) => {
    if (table.has(id)) throw new Error(`a ${kind} listener for ${id} is registered already`);
    table.set(id, listener);
  };
  return {
    command: (name, listener) => add('command', commands, name, listener),
    shortcut: (callbackId, listener) => add('shortcut', shortcuts, callbackId, listener),
    action: (actionId, listener) => add('action', actions, actionId, listener),
    event: (type, listener) =>
      // Dispatch hands each listener only events whose `type` is the one it registered for.
      add('event', events, type, listener as unknown as EventListener<string>),
    ids: () => ({
      commands: [...commands.keys()],
      shortcuts: [...shortcuts.keys()],
      actions: [...actions.keys()],
      events: [...events.keys()],
    }),
    mount(app) {
      if (commands.size > 0)
        app.command(exactly(commands.keys()), async (args) => commands.get(args.command.command)?.(args));
      if (shortcuts.size > 0)
        app.shortcut<MessageShortcut>(
          { type: 'message_action', callback_id: exactly(shortcuts.keys()) },
          async (args) => shortcuts.get(args.shortcut.callback_id)?.(args),
        );
      if (actions.size > 0)
        app.action<BlockButtonAction>(
          { type: 'block_actions', action_id: exactly(actions.keys()) },
          async (args) => actions.get(args.action.action_id)?.(args),
        );
      if (events.size > 0)
        app.event(exactly(events.keys()), async (args) => {
          // Bolt's `ignoreSelf` rule, here instead of in a global middleware that every request
          // would pass through (the App is built with `ignoreSelf: false`): an event by the bot's own
          // user is not for it. Its own posts (`bot_id`) are dropped by the message listener.
          const { botUserId } = args.context;
          if (botUserId !== undefined && 'user' in args.event && args.event.user === botUserId) return;
          await events.get(args.event.type)?.(args);
        });
    },
  };
}
