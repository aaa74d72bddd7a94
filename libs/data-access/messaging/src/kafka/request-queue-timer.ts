/** The part of kafkajs's per-connection request queue (src/network/requestQueue) the fix touches. */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own re-check interval for requests still queued behind the in-flight limit (ms). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
const FIXED = Symbol.for('kuruma.kafkajs.requestQueueTimer');

/**
 * kafkajs 2.2.4 re-arms a timer in every broker connection's request queue after every check,
 * whether or not a request is waiting, with a negative delay when no throttle is in force (Node
 * runs it after 1 ms): each connection of each producer, consumer and admin client spins through
 * ~1,000 timer callbacks a second for as long as it is open (tulios/kafkajs#1556 and #1704; the
 * fix below is that of the unmerged tulios/kafkajs#1667). Idle, that loop was most of a
 * service's own CPU (docs/benchmarks.md, "Idle cost").
 *
 * A check is armed only while requests wait: at the end of the broker's throttle, else after
 * kafkajs's 10 ms. Nothing else depended on the spin: a request that cannot go at once is queued
 * by `push`, which arms the check; one held by the in-flight limit is sent when a response or
 * timeout frees a slot (both call checkPendingRequests). Patched on the prototype, so it also
 * covers queues created before it ran. Tied to the pinned kafkajs version (package.json).
 */
export function stopIdleRequestQueueTimers(): void {
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueInternals & { [FIXED]?: true } };
  const prototype = RequestQueue.prototype;
  if (prototype[FIXED]) return;
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
  prototype[FIXED] = true;
}
