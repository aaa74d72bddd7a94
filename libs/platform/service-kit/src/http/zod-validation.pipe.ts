import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { validateBody } from './validate-body';

/**
 * `@Body(new ZodValidationPipe(schema))`: the handler receives the parsed value or never runs; a
 * body that is not an object, or has bad fields, is answered 400 problem+json naming each field.
 * `detail` words the refusal for inputs that are not a body (`invalid risk map period`). Built
 * with `new` where it is used, one per schema, so it is not an injectable.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly detail?: string,
  ) {}

  transform(value: unknown): z.infer<S> {
    return validateBody(this.schema, value, this.detail);
  }
}
