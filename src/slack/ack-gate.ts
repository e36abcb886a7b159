/**
 * Acks first, always: Slack requests already received are acknowledged before any post-ack work
 * (Slack calls, the use case, rendering) takes the event loop. The HTTP server counts requests it
 * has received but not answered yet; a lookup waits until none is left and none has arrived for
 * `settleMs` (a burst arrives over several reads: the gate stays shut between them), or until
 * `maxWaitMs` passed, so a stalled client can never hold answers back. It always yields once to the
 * I/O phase.
 */
export interface AckGate {
  /** A request arrived; call the returned function once it has been answered. */
  received(): () => void;
  /** Resolves once no received request is waiting for its ack and the burst is over. */
  acksFirst(): Promise<void>;
}

export function createAckGate(maxWaitMs = 250, settleMs = 1): AckGate {
  let pending = 0;
  let lastArrival = Number.NEGATIVE_INFINITY;
  let waiters: Array<() => void> = [];
  let settleTimer: NodeJS.Timeout | undefined;
  const quietFor = () => performance.now() - lastArrival;
  const open = () => pending === 0 && quietFor() >= settleMs;
  const release = () => {
    if (waiters.length === 0 || pending > 0 || settleTimer) return;
    const left = settleMs - quietFor();
    if (left > 0) {
      settleTimer = setTimeout(() => {
        settleTimer = undefined;
        release();
      }, Math.ceil(left));
      return;
    }
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  return {
    received() {
      pending += 1;
      lastArrival = performance.now();
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
      if (open()) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxWaitMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        if (pending === 0) release();
      });
    },
  };
}
