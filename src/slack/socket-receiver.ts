import { type App, AuthorizationError, type Receiver, type ReceiverEvent } from '@slack/bolt';
import {
  createSocketModeConnection,
  type SocketModeConnection,
  type SocketModeConnectionOptions,
} from './socket-connection.js';

export type SocketReceiverOptions = Omit<SocketModeConnectionOptions, 'onEnvelope'> & {
  /** Where a failure of Bolt's own processing goes (logged without payload). */
  onUnexpected(error: unknown): void;
};

/**
 * A Bolt receiver over this bot's Socket Mode connection: each envelope becomes a Bolt event, acked on
 * the link that carried it. Mirrors what Bolt's SocketModeReceiver does with the `slack_event` of
 * @slack/socket-mode (body = envelope payload, retryNum = retry_attempt, retryReason = retry_reason;
 * an AuthorizationError is acked so Slack stops retrying — @slack/bolt dist/receivers/
 * SocketModeReceiver.js and SocketModeFunctions.js).
 */
export class BotSocketModeReceiver implements Receiver {
  readonly connection: SocketModeConnection;
  private app: App | undefined;

  constructor(private readonly options: SocketReceiverOptions) {
    this.connection = createSocketModeConnection({
      ...options,
      onEnvelope: (envelope, sendAck) => {
        let acked = false;
        const event: ReceiverEvent = {
          body: envelope.payload,
          // Bolt's ack takes a response body or a string (SocketModeClient.send wraps a string as {text}).
          ack: async (response?: unknown) => {
            if (acked) return;
            acked = true;
            const body =
              typeof response === 'string'
                ? { text: response }
                : typeof response === 'object' && response !== null
                  ? (response as Record<string, unknown>)
                  : undefined;
            await sendAck(body);
          },
          ...(envelope.retryAttempt === undefined ? {} : { retryNum: envelope.retryAttempt }),
          ...(envelope.retryReason === undefined ? {} : { retryReason: envelope.retryReason }),
          customProperties: {},
        };
        this.dispatch(event, () => acked);
      },
    });
  }

  private dispatch(event: ReceiverEvent, wasAcked: () => boolean): void {
    const app = this.app;
    if (!app) return;
    app
      .processEvent(event)
      .catch(async (error: unknown) => {
        this.options.onUnexpected(error);
        if (error instanceof AuthorizationError && !wasAcked()) await event.ack();
      })
      .catch((error: unknown) => this.options.onUnexpected(error));
  }

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }
}
