/**
 * Nest's `Server.listen(callback)` for a transport whose start is asynchronous: the callback gets
 * nothing once started, or the error, so `startAllMicroservices()` rejects when a transport cannot start.
 */
export function listenWhenStarted(start: () => Promise<void>, callback: (error?: unknown) => void): void {
  start().then(
    () => callback(),
    (error: unknown) => callback(error),
  );
}
