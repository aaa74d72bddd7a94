import { z } from 'zod';

/** RFC 9457 problem details, the body of every 4xx/5xx answer (`application/problem+json`). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** One entry per bad field, so a partner can fix every mistake in one go. */
  errors?: { field: string; message: string }[];
}

/** Turns zod issues into field-named errors: `driver.age: Too small: expected number to be >=0`. */
export function fieldErrors(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

export function describeZodError(error: z.ZodError): string {
  return fieldErrors(error)
    .map((e) => `${e.field}: ${e.message}`)
    .join('; ');
}
