import type { App } from '@slack/bolt';
import { vi } from 'vitest';

/** A listener as Bolt calls it: one argument object; tests pass only what the listener reads. */
type Handler = (args: Record<string, unknown>) => Promise<void>;

/**
 * Stands in for a Bolt `App` in listener unit tests (the bolt-ts-starter-template style): it records
 * each handler a `register*` function adds, by kind and by its id, so a test can call it directly
 * with fake `ack`/`respond`/`client`.
 */
export interface RecordingApp {
  app: App;
  /** The handler registered for `kind` (`command`, `shortcut`, `action`, `event`) under `id`. */
  handler(kind: 'command' | 'shortcut' | 'action' | 'event', id: string): Handler;
}

function idOf(constraint: unknown): string {
  if (typeof constraint === 'string') return constraint;
  if (constraint && typeof constraint === 'object' && 'callback_id' in constraint)
    return String((constraint as { callback_id: unknown }).callback_id);
  return String(constraint);
}

export function createRecordingApp(): RecordingApp {
  const handlers = new Map<string, Handler>();
  const record =
    (kind: string) =>
    (constraint: unknown, ...listeners: Handler[]) => {
      const last = listeners.at(-1);
      if (last) handlers.set(`${kind}:${idOf(constraint)}`, last);
    };
  const fake = {
    command: record('command'),
    shortcut: record('shortcut'),
    action: record('action'),
    event: record('event'),
    use: () => undefined,
    error: () => undefined,
  };
  return {
    // The one cast in the test suite: a recording double for Bolt's heavily overloaded App type.
    app: fake as unknown as App,
    handler(kind, id) {
      const found = handlers.get(`${kind}:${id}`);
      if (!found) throw new Error(`no ${kind} handler registered for ${id}`);
      return found;
    },
  };
}

/** Fake Bolt arguments: `ack`, `respond`, a Web API client that records calls, and a silent logger. */
export function fakeListenerArgs() {
  const client = {
    chat: {
      postMessage: vi.fn(async (_args: Record<string, unknown>) => ({ ok: true, ts: '1700000000.000900' })),
      update: vi.fn(async (_args: Record<string, unknown>) => ({ ok: true })),
      postEphemeral: vi.fn(async (_args: Record<string, unknown>) => ({ ok: true })),
    },
    views: { publish: vi.fn(async (_args: Record<string, unknown>) => ({ ok: true })) },
    conversations: {
      info: vi.fn(async (_args: Record<string, unknown>) => ({ ok: true, channel: { is_private: true } })),
    },
  };
  return {
    ack: vi.fn(async (_response?: unknown) => undefined),
    respond: vi.fn(async (_message: Record<string, unknown>) => undefined),
    client,
    logger: { warn: vi.fn(), error: vi.fn(), info: vi.fn(), debug: vi.fn() },
  };
}
