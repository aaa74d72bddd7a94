import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ProblemException } from './problem.exception';
import { ZodValidationPipe } from './zod-validation.pipe';

const schema = z.object({ username: z.string().min(1), driver: z.object({ age: z.number().int().min(18) }) });

function refusal(sut: ZodValidationPipe<typeof schema>, value: unknown): ProblemException['problem'] {
  try {
    sut.transform(value);
  } catch (error) {
    return (error as ProblemException).problem;
  }
  throw new Error('the pipe let the value through');
}

describe(ZodValidationPipe.name, () => {
  it('hands the handler the parsed value', () => {
    expect(new ZodValidationPipe(schema).transform({ username: 'a', driver: { age: 30 }, extra: 1 })).toEqual({ username: 'a', driver: { age: 30 } });
  });

  it('answers 400 naming every bad field, by its path', () => {
    expect(refusal(new ZodValidationPipe(schema), { username: '', driver: { age: 17 } })).toEqual({
      type: 'https://kurumacover.dev/problems/invalid-request',
      title: 'Invalid request',
      status: 400,
      detail: 'the request has invalid fields',
      errors: [
        { field: 'username', message: expect.any(String) },
        { field: 'driver.age', message: expect.any(String) },
      ],
    });
  });

  it('answers a missing or non-object body with 400 naming the body', () => {
    for (const body of [undefined, null, 'text', 42]) {
      expect(refusal(new ZodValidationPipe(schema), body)).toMatchObject({ status: 400, detail: 'the body must be a JSON object', errors: [{ field: '(body)', message: 'expected a JSON object' }] });
    }
  });

  it('words the refusal as told, for inputs that are not a body', () => {
    expect(refusal(new ZodValidationPipe(schema, 'invalid risk map period'), {})).toMatchObject({ status: 400, detail: 'invalid risk map period' });
  });
});
