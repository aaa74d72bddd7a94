import { z } from 'zod';

/** A dead-letter topic name or reason code as the index stores them: printable, bounded. */
const name = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a topic name: letters, digits, dot, underscore, hyphen');

/**
 * What an operator asks to redrive: chosen records by id (1-200), or every record of one reason
 * on one dead-letter topic that is not redriven yet (200 per call; the answer says if more wait).
 */
export const redriveSelection = z.union([
  z.strictObject({ ids: z.array(z.uuid()).min(1).max(200).refine((ids) => new Set(ids).size === ids.length, 'ids must not repeat') }),
  z.strictObject({ topic: name, reason: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a reason code such as handler-failed') }),
]);
export type RedriveSelection = z.infer<typeof redriveSelection>;
