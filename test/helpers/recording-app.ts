import { vi } from 'vitest';
import {
  createListenerRegistry,
  type ListenerRegistry,
} from '../../src/slack/listeners/listener-registry.js';

/** A listener as Bolt calls it: one argument object; tests pass only what the listener reads. */
type Handler = (args: Record<string, unknown>) => Promise<void>;

/**
 * Stands in for the app in listener unit tests (the bolt-ts-starter-template style): it records
 * each handler a `register*` function adds, by kind and by its id, so a test can call it directly
 * with fake `ack`/`respond`/`client`.
 */
export interface RecordingApp {
  app: ListenerRegistry;
  /** The handler registered for `kind` (`command`, `shortcut`, `action`, `event`) under `id`. */
  handler(kind: 'command' | 'shortcut' | 'action' | 'event', id: string): Handler;
}

export function createRecordingApp(): RecordingApp {
  const handlers = new Map<string, Handler>();
  // The real registry too, so a test also fails on an id registered twice.
  const registry = createListenerRegistry();
  const record =
    <A extends unknown[]>(kind: string, add: (id: string, ...rest: A) => void) =>
    (id: string, ...rest: A) => {
      add(id, ...rest);
      // Tests call a listener with only the arguments it reads.
      handlers.set(`${kind}:${id}`, rest[0] as unknown as Handler);
    };
  return {
    app: {
      command: record('command', registry.command),
      shortcut: record('shortcut', registry.shortcut),
      action: record('action', registry.action),
      event: (type, listener) => {
        registry.event(type, listener);
        handlers.set(`event:${type}`, listener as unknown as Handler);
      },
    },
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
