/** Polls `done` until it holds or `timeoutMs` passes; says which, so each caller decides what a timeout means. */
export async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}
