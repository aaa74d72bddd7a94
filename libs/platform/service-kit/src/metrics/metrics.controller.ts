import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { ProblemException } from '../http/problem.exception';
import { headerOf, type HttpRequest } from '../http/http-request';
import { ServiceMetrics } from './metrics';

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  /** Open without METRICS_TOKEN (development, tests); with it, only to `Authorization: Bearer <token>`. */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Req() req: HttpRequest): Promise<string> {
    const token = this.metrics.scrapeToken;
    if (token && !sameSecret(headerOf(req, 'authorization') ?? '', `Bearer ${token}`)) throw ProblemException.unauthorized('send Authorization: Bearer <METRICS_TOKEN>');
    return this.metrics.registry.metrics();
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
