import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';

/**
 * Calls a Nest message handler and waits until it has finished, rejecting with its error. Nest's own
 * event path subscribes and forgets; the platform's transports acknowledge a message (commit its
 * offset, PUBACK it) only after this resolves.
 */
export async function awaitHandler(handler: MessageHandler, data: unknown, context: unknown): Promise<void> {
  const result: unknown = await handler(data, context);
  if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
}
