export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

export function streamLines(chunk: Buffer, onLine: (line: string) => void): void {
  for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) onLine(line);
}

/** Polls until ready, printing elapsed time every few seconds so a slow start is visibly alive. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  say: (msg: string) => void,
  onPoll?: () => void,
): Promise<void> {
  const started = Date.now();
  let lastReport = started;
  while (Date.now() - started < timeoutMs) {
    onPoll?.();
    if (await ready()) {
      say(`${what} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    if (Date.now() - lastReport >= 3_000) {
      lastReport = Date.now();
      say(`  waiting for ${what}... ${Math.round((Date.now() - started) / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
}
