import { envInt } from './parse-env';

/** Read by partner-webhooks and the ops console alike, so a replay from either is capped the same. */
export const webhookReplayVars = {
  /** Events one replay may send again. */
  WEBHOOK_REPLAY_MAX: envInt(10_000, 1, 1_000_000),
};
