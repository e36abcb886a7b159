/**
 * Acks first, always: Slack requests already received are acknowledged before any post-ack work
 * (Slack calls, the use case, rendering) takes the event loop. The HTTP server counts requests it
 * has received but not answered yet; a lookup waits until none is left (or `maxWaitMs` passed, so a
 * stalled client can never hold answers back), and always yields once to the I/O phase.
 */
export interface AckGate {
  /** A request arrived; call the returned function once it has been answered. */
  received(): () => void;
  /** Resolves once no received request is waiting for its ack. */
  acksFirst(): Promise<void>;
}

export function createAckGate(maxWaitMs = 250): AckGate {
  let pending = 0;
  let waiters: Array<() => void> = [];
  const release = () => {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  return {
    received() {
      pending += 1;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        pending -= 1;
        if (pending === 0) setImmediate(release);
      };
    },
    async acksFirst() {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (pending === 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxWaitMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
