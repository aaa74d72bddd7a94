import 'reflect-metadata';
import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { countHttpRequests, statusClass } from './http-requests';
import { ServiceMetrics } from './metrics';

@Controller('v1/policies')
class PoliciesController {
  @Get(':id')
  find(@Param('id') id: string) {
    if (id === 'broken') throw new Error('the policy store is away');
    return { id };
  }
}
@Module({ controllers: [PoliciesController] })
class PoliciesModule {}

/** The counter's value for one label set, as Prometheus would scrape it. */
const scraped = async (metrics: ServiceMetrics, labels: string): Promise<number> => {
  const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`kuruma_http_requests_total{${labels}`));
  return line ? Number(line.split(' ').pop()) : 0;
};

describe(countHttpRequests.name, () => {
  let app: INestApplication | undefined;
  afterEach(async () => app?.close());

  for (const http of ['fastify', 'express'] as const) {
    it(`counts ${http} requests by route pattern and status class, an unknown path as unmatched`, async () => {
      app = http === 'fastify' ? await NestFactory.create(PoliciesModule, new FastifyAdapter(), { logger: false }) : await NestFactory.create(PoliciesModule, { logger: false });
      const metrics = new ServiceMetrics('policy');
      countHttpRequests(app, metrics, http);
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      for (const path of ['/v1/policies/p-1', '/v1/policies/p-2', '/v1/policies/broken', '/v1/nothing-here']) await (await fetch(`${url}${path}`)).arrayBuffer();
      await new Promise((r) => setTimeout(r, 50)); // express counts on 'finish', after the answer is flushed
      expect(await scraped(metrics, 'route="/v1/policies/:id",method="GET",status_class="2xx"')).toBe(2);
      expect(await scraped(metrics, 'route="/v1/policies/:id",method="GET",status_class="5xx"')).toBe(1);
      expect(await scraped(metrics, 'route="unmatched",method="GET",status_class="4xx"')).toBe(1);
    });
  }

  it('classes statuses by their hundred', () => {
    expect([200, 204, 302, 404, 429, 500, 503].map(statusClass)).toEqual(['2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx']);
  });
});
