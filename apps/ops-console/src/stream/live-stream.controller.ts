import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemException, ServiceMetrics } from '@kuruma/service-kit';
import type { OpsIdentity } from '../auth/identity-provider';
import { OpsSessionGuard, OpsUser } from '../auth/ops-session.guard';
import { OpsSessions, sessionIdOf } from '../auth/ops-sessions';
import { CONFIG } from '../tokens';
import type { OpsConsoleConfig } from '../ops-console.config';
import { type LiveEvent, LiveEventBuffer, liveEventJson, type LiveFilter, matchesFilter } from './live-event-buffer';
import { LiveStreamWriter } from './live-stream-writer';
import { StreamSlots, writeOrDrop } from './stream-slots';

/** How often an open stream re-reads its session, so sign-out elsewhere or user removal ends it. */
const SESSION_RECHECK_MS = 5_000;
/** Events per write of a stream's catch-up (about 200 kB of policy and claim events). */
const CATCH_UP_PIECE_EVENTS = 200;

/**
 * Server-sent events. The browser's EventSource sends Last-Event-ID on reconnect; the buffer
 * replays from there. Events go out in batches every 100 ms so 500 events/s cost 10 writes/s.
 */
@Controller('api/stream')
@UseGuards(OpsSessionGuard)
export class LiveStreamController {
  private readonly slots: StreamSlots;
  private readonly dropped;

  constructor(
    @Inject(LiveEventBuffer) private readonly buffer: LiveEventBuffer,
    @Inject(OpsSessions) private readonly sessions: OpsSessions,
    @Inject(CONFIG) private readonly config: OpsConsoleConfig,
    @Inject(ServiceMetrics) metrics: ServiceMetrics,
  ) {
    this.slots = new StreamSlots(config.OPS_STREAMS_PER_USER, config.OPS_STREAMS_MAX);
    this.dropped = metrics.counter('kuruma_console_streams_dropped_total', 'Live streams dropped because the browser read too slowly');
  }

  @Get()
  stream(
    @OpsUser() identity: OpsIdentity,
    @Req() req: Request,
    @Res() res: Response,
    @Query('partnerId') partnerId?: string,
    @Query('type') type?: string,
    @Query('vehicleId') vehicleId?: string,
    @Query('lastEventId') lastEventIdQuery?: string,
  ): void {
    const slot = this.slots.acquire(identity.username);
    if ('refused' in slot) {
      throw slot.refused === 'user'
        ? ProblemException.tooManyRequests(`at most ${this.config.OPS_STREAMS_PER_USER} live streams per user; close another tab`, 5)
        : new ProblemException({ type: 'https://kurumacover.dev/problems/busy', title: 'Busy', status: 503, detail: 'the console has as many live streams open as it serves' }, { 'Retry-After': '5' });
    }
    const max = this.config.OPS_STREAM_MAX_BUFFERED_BYTES;
    const filter: LiveFilter = { partnerId: partnerId || undefined, vehicleId: vehicleId || undefined, types: type ? type.split(',') : undefined };
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    const { events, resumed } = this.buffer.since(req.header('last-event-id') ?? lastEventIdQuery);
    writeOrDrop(res, `retry: 1000\nevent: hello\ndata: ${JSON.stringify({ resumed, epoch: this.buffer.epoch })}\n\n`, max, () => this.dropped.inc());
    // One SSE message per event keeps Last-Event-ID exact; one write per batch keeps it cheap.
    const sse = (batch: LiveEvent[]) => batch.map((e) => `id: ${e.streamId}\nevent: ${e.type}\ndata: ${liveEventJson(e)}\n\n`).join('');
    const limits = { maxBufferedBytes: max, maxWaiting: this.config.LIVE_BUFFER_SIZE, piece: CATCH_UP_PIECE_EVENTS };
    const writer = new LiveStreamWriter(res, events.filter((e) => matchesFilter(e, filter)), sse, limits, () => this.dropped.inc());
    // Subscribed in the same turn as the catch-up was taken: no event falls between the two.
    const unsubscribe = this.buffer.subscribe((e) => {
      if (matchesFilter(e, filter)) writer.push(e);
    });
    const timer = setInterval(() => writer.flush(), 100);
    const heartbeat = setInterval(() => writer.heartbeat(), 15_000);
    const sessionId = sessionIdOf(req);
    const recheck = setInterval(() => {
      this.sessions.identify(sessionId).then(
        (still) => void (still ? undefined : res.end()),
        () => undefined,
      );
    }, SESSION_RECHECK_MS);
    res.on('close', () => {
      clearInterval(timer);
      clearInterval(heartbeat);
      clearInterval(recheck);
      unsubscribe();
      slot.release();
    });
  }
}
