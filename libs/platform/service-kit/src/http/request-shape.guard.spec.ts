import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { RequestShapeGuard } from './request-shape.guard';

const context = (method: string, query: Record<string, unknown>, headers: Record<string, string> = {}) =>
  ({ getType: () => 'http', switchToHttp: () => ({ getRequest: () => ({ method, query, headers, url: '/x' }) }) }) as unknown as ExecutionContext;
const problemOf = (ctx: ExecutionContext) => {
  try {
    new RequestShapeGuard(['application/json']).canActivate(ctx);
    return null;
  } catch (error) {
    return (error as { problem: { status: number; errors?: { field: string }[] } }).problem;
  }
};

describe('finding 10: request shape', () => {
  it('refuses a repeated query parameter with 400 naming it', () => {
    expect(problemOf(context('GET', { status: ['a', 'b'], limit: '5' }))).toMatchObject({ status: 400, errors: [{ field: 'status' }] });
    expect(problemOf(context('GET', { status: 'a' }))).toBeNull();
  });

  it('refuses a body in another media type with 415, and lets body-less posts and JSON through', () => {
    expect(problemOf(context('POST', {}, { 'content-type': 'text/plain', 'content-length': '4' }))?.status).toBe(415);
    expect(problemOf(context('POST', {}, { 'content-length': '4' }))?.status).toBe(415);
    expect(problemOf(context('POST', {}, { 'content-type': 'application/json; charset=utf-8', 'content-length': '4' }))).toBeNull();
    expect(problemOf(context('POST', {}, {}))).toBeNull();
  });
});
