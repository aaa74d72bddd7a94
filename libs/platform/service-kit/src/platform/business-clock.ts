import type { BusinessClockSettings } from '@kuruma/config';

/** What /health and the start-up log say about the business clock. */
export type BusinessClockReport =
  | { mode: 'real'; now: string }
  | { mode: 'simulated'; now: string; start: string; anchor: string; rate: number };

/**
 * The one source of business time in a service: the instant against which cover starts are
 * judged, late returns extended, held events released, ledger periods closed and premium earned.
 * Real by default. Simulated only when configured (BUSINESS_CLOCK_*, refused in production):
 * now = start + (real now - anchor) x rate, so every process of a run with the same settings
 * agrees, whenever each started.
 *
 * Timeouts, retries, metrics, token and session expiry, TLS and rate limits stay on the real clock:
 * they measure the machine, not the business.
 */
export class BusinessClock {
  private constructor(
    private readonly settings: BusinessClockSettings,
    private readonly realNowMs: () => number,
  ) {}

  static real(): BusinessClock {
    return new BusinessClock({ mode: 'real' }, Date.now);
  }

  /** `realNowMs` is the real clock; only the clock's own tests pass another. */
  static from(settings: BusinessClockSettings | undefined, realNowMs: () => number = Date.now): BusinessClock {
    return new BusinessClock(settings ?? { mode: 'real' }, realNowMs);
  }

  get simulated(): boolean {
    return this.settings.mode === 'simulated';
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    const real = this.realNowMs();
    const s = this.settings;
    if (s.mode === 'real') return real;
    // Whole milliseconds: instants are stored to the millisecond.
    return Math.floor(s.start.getTime() + (real - s.anchor.getTime()) * s.rate);
  }

  /** Real milliseconds until the business clock shows `at` (0 when it already has). */
  realMsUntil(at: Date): number {
    const ahead = at.getTime() - this.nowMs();
    if (ahead <= 0) return 0;
    return this.settings.mode === 'real' ? ahead : Math.ceil(ahead / this.settings.rate);
  }

  report(): BusinessClockReport {
    const now = this.now().toISOString();
    const s = this.settings;
    if (s.mode === 'real') return { mode: 'real', now };
    return { mode: 'simulated', now, start: s.start.toISOString(), anchor: s.anchor.toISOString(), rate: s.rate };
  }
}
