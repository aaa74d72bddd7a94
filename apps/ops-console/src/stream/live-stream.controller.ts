import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requireSession } from '../auth/ops-session';
import { SessionCookie } from '../auth/session-cookie';
import { type LiveEvent, LiveEventBuffer, liveEventJson, type LiveFilter, matchesFilter } from './live-event-buffer';

/**
 * Server-sent events. The browser's EventSource sends Last-Event-ID on reconnect; the buffer
 * replays from there. Events go out in batches every 100 ms so 500 events/s cost 10 writes/s.
 */
@Controller('api/stream')
export class LiveStreamController {
  constructor(
    @Inject(LiveEventBuffer) private readonly buffer: LiveEventBuffer,
    @Inject(SessionCookie) private readonly sessions: SessionCookie,
  ) {}

  @Get()
  stream(
    @Req() req: Request,
    @Res() res: Response,
    @Query('partnerId') partnerId?: string,
    @Query('type') type?: string,
    @Query('vehicleId') vehicleId?: string,
    @Query('lastEventId') lastEventIdQuery?: string,
  ): void {
    requireSession(req, this.sessions);
    const filter: LiveFilter = { partnerId: partnerId || undefined, vehicleId: vehicleId || undefined, types: type ? type.split(',') : undefined };
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    const { events, resumed } = this.buffer.since(req.header('last-event-id') ?? lastEventIdQuery);
    res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ resumed, epoch: this.buffer.epoch })}\n\n`);
    let pending: LiveEvent[] = events.filter((e) => matchesFilter(e, filter));
    const flush = () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      // One SSE message per event keeps Last-Event-ID exact; one write per batch keeps it cheap.
      res.write(batch.map((e) => `id: ${e.streamId}\nevent: ${e.type}\ndata: ${liveEventJson(e)}\n\n`).join(''));
    };
    flush();
    const unsubscribe = this.buffer.subscribe((e) => {
      if (matchesFilter(e, filter)) pending.push(e);
    });
    const timer = setInterval(flush, 100);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(timer);
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
