import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
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
 * (measured in `npm run bench`: the ack latency under 200 concurrent commands; a bare Bolt app with
 * the bot's 12 listeners acked 1.3× slower than with one). The registry collects them by id, and
 * `mount` adds one global middleware that hands each payload to its listener by id: a map lookup per
 * request instead of a dozen chains.
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
   * Adds the dispatcher as global middleware (after any added before it). A payload with no
   * listener here goes on to Bolt's own listeners (`next`). Events by the bot's own user are dropped
   * (the app turns Bolt's `ignoreSelf` middleware off).
   */
  mount(app: Pick<App, 'use'>): void;
}

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

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
      app.use(async (args: Args) => {
        const listener = pick(args);
        if (listener) await listener();
        else await args.next();
      });
    },
  };

  /** The listener for this payload, bound to its arguments; undefined when none is registered. */
  function pick(args: Args): (() => Promise<void>) | undefined {
    if ('command' in args) {
      const listener = commands.get(args.command.command);
      return listener && (() => listener(args));
    }
    if ('shortcut' in args) {
      const { shortcut } = args;
      if (shortcut.type !== 'message_action') return undefined;
      const listener = shortcuts.get(shortcut.callback_id);
      // Narrowed by `type` above: Bolt's arguments for a message shortcut.
      return (
        listener && (() => listener(args as SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs))
      );
    }
    if ('action' in args) {
      const { action, body } = args;
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action))
        return undefined;
      const listener = actions.get(action.action_id);
      // Narrowed by `body.type` and `action.type` above: Bolt's arguments for a button click.
      return (
        listener && (() => listener(args as SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs))
      );
    }
    if ('event' in args) {
      const { event, context } = args;
      const listener = events.get(event.type);
      if (!listener) return undefined;
      // Bolt's `ignoreSelf` rule, here instead of in a global middleware of its own (the App is built
      // with `ignoreSelf: false`): an event by the bot's own user is not for it. Its own posts
      // (`bot_id`) are dropped by the message listener.
      if (context.botUserId !== undefined && 'user' in event && event.user === context.botUserId)
        return async () => undefined;
      return () => listener(args);
    }
    return undefined;
  }
}
