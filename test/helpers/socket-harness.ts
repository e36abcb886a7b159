import { type Harness, type HarnessOptions, startHarness } from './bot-harness.js';
import { type FakeSocketMode, type FakeSocketModeOptions, startFakeSocketMode } from './fake-socket-mode.js';

export interface SocketHarness extends Harness {
  socket: FakeSocketMode;
}

export const APP_TOKEN = 'xapp-test-harness-app-token';

/** Short Socket Mode timings for tests: the same rules, smaller numbers. */
export const TEST_SOCKET_TIMINGS = {
  pingIntervalMs: 200,
  silenceTimeoutMs: 2_000,
  helloTimeoutMs: 2_000,
  openTimeoutMs: 1_000,
  retryMinMs: 50,
  retryMaxMs: 500,
  retireAfterMs: 300,
  closeHandshakeMs: 300,
};

/** The real bot in Socket Mode, connected through the fake Web API's apps.connections.open to the fake link server. */
export async function startSocketHarness(
  options: HarnessOptions & { socketMode?: FakeSocketModeOptions } = {},
): Promise<SocketHarness> {
  const socket = await startFakeSocketMode(options.socketMode);
  try {
    const harness = await startHarness({
      ...options,
      slack: { appTokens: [APP_TOKEN], ...options.slack, socketModeUrl: () => socket.url() },
      env: {
        SLACK_SOCKET_MODE: 'true',
        SLACK_APP_TOKEN: APP_TOKEN,
        SLACK_SIGNING_SECRET: '',
        // Connection state changes are info lines; the Socket Mode tests read them.
        LOG_LEVEL: 'info',
        ...options.env,
      },
      startOptions: { socketTimings: TEST_SOCKET_TIMINGS, ...options.startOptions },
    });
    return {
      ...harness,
      socket,
      async stop() {
        await harness.stop();
        await socket.close();
      },
    };
  } catch (error) {
    await socket.close();
    throw error;
  }
}
