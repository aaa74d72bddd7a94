import type { ArgumentsHost } from '@nestjs/common';
import type { Logger } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
} from '../errors/domain-errors';
import { ProblemFilter } from './problem.filter';

interface Answer {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function render(exception: unknown): { answer: Answer; logged: unknown[] } {
  const answer: Answer = { status: 0, contentType: '', headers: {}, body: {} };
  const reply = {
    status: (code: number) => ((answer.status = code), reply),
    type: (type: string) => ((answer.contentType = type), reply),
    header: (name: string, value: string) => ((answer.headers[name] = value), reply),
    send: (body: string) => (answer.body = JSON.parse(body) as Record<string, unknown>),
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ headers: {}, url: '/v1/claims/c-1/confirm', method: 'POST' }) }) } as unknown as ArgumentsHost;
  const logged: unknown[] = [];
  const logger = { error: vi.fn((entry: unknown) => logged.push(entry)) } as unknown as Logger;
  new ProblemFilter(logger).catch(exception, host);
  return { answer, logged };
}

const problem = (slug: string, title: string, status: number, detail: string) => ({ type: `https://kurumacover.dev/problems/${slug}`, title, status, detail, instance: '/v1/claims/c-1/confirm' });

describe(ProblemFilter.name, () => {
  it('answers each domain error with the problem+json a handler used to throw for it', () => {
    const cases: [DomainError, object][] = [
      [new NotFoundError('claim c-1 not found'), problem('not-found', 'Not found', 404, 'claim c-1 not found')],
      [new ConflictError('cannot confirm a closed claim'), problem('conflict', 'Conflict', 409, 'cannot confirm a closed claim')],
      [new ForbiddenError('only ops close claims'), problem('forbidden', 'Forbidden', 403, 'only ops close claims')],
      [new UnauthenticatedError('unknown API key'), problem('unauthorized', 'Unauthorized', 401, 'unknown API key')],
      [new UnavailableError('the MQTT broker cannot be administered'), problem('unavailable', 'Service unavailable', 503, 'the MQTT broker cannot be administered')],
      [
        new InvalidRequestError('invalid device id', [{ field: 'deviceId', message: 'too long' }]),
        { ...problem('invalid-request', 'Invalid request', 400, 'invalid device id'), errors: [{ field: 'deviceId', message: 'too long' }] },
      ],
    ];
    for (const [error, expected] of cases) {
      const { answer } = render(error);
      expect(answer.status, error.name).toBe((expected as { status: number }).status);
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.body, error.name).toEqual(expected);
    }
  });

  it('sends Retry-After with a rate refusal', () => {
    const { answer } = render(new RateLimitedError('partner demo is over its request rate; retry after 2 s', 2));
    expect(answer.status).toBe(429);
    expect(answer.headers).toEqual({ 'Retry-After': '2' });
    expect(answer.body).toMatchObject({ type: 'https://kurumacover.dev/problems/rate-limited', title: 'Too many requests' });
  });

  it('hides a domain error it has no answer for behind a logged 500, like any unexpected error', () => {
    class UnmappedError extends DomainError {}
    const { answer, logged } = render(new UnmappedError('internal reasoning'));
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).not.toContain('internal reasoning');
    expect(logged).toHaveLength(1);
  });
});
