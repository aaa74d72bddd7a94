import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One structured JSON line per log event, with the service name on every line so a log pipeline
 * can split services without parsing messages. Timestamps are ISO-8601 UTC.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    messageKey: 'msg',
  });
}
