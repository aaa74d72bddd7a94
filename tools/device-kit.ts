/**
 * The generated parts of docs/devices.md - the payload JSON Schemas, from the same zod schemas
 * claims-trigger validates with, and the test-vector table, from examples/device-test-vectors.json
 * with each outcome computed by the platform's own validation and triage - so the device kit
 * cannot drift from what the intake does. `--check` fails when the committed page differs (also
 * checked by tools/device-kit.spec.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { crashAlertV1Schema, lockAlertV1Schema, tripSummaryV1Schema } from '@kuruma/contracts';
import { triageCrash, triageLock, type Triage } from '@kuruma/domain-claims';

export const DEVICES_DOC_PATH = resolve(__dirname, '../docs/devices.md');
export const VECTORS_PATH = resolve(__dirname, '../examples/device-test-vectors.json');

export interface DeviceTestVector {
  name: string;
  topic: 'crash' | 'lock' | 'trip';
  payload: Record<string, unknown>;
  /** What the platform does with an accepted payload (`claim: major, collision`, `telemetry`...). */
  outcome?: string;
  /** The field a refused payload is dead-lettered for. */
  refusedField?: string;
}

export const readVectors = (): DeviceTestVector[] => (JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { vectors: DeviceTestVector[] }).vectors;

const describeTriage = (t: Triage): string => {
  switch (t.kind) {
    case 'claim':
      return `claim: ${t.severity}, ${t.cause}`;
    case 'security':
      return `security: ${t.reason}`;
    default:
      return t.kind;
  }
};

/** What the intake does with this payload: the triage of an accepted one, or the fields it is refused for. */
export function outcomeOf(vector: DeviceTestVector): { outcome: string } | { refusedFields: string[] } {
  if (vector.topic === 'trip') {
    // Whether it is scored depends on the booking's driver (their consent), not on the payload.
    const parsed = tripSummaryV1Schema.safeParse(vector.payload);
    return parsed.success ? { outcome: 'trip: scored if the driver consented, else kept out' } : { refusedFields: parsed.error.issues.map((i) => i.path.join('.')) };
  }
  if (vector.topic === 'crash') {
    const parsed = crashAlertV1Schema.safeParse(vector.payload);
    return parsed.success ? { outcome: describeTriage(triageCrash(parsed.data)) } : { refusedFields: parsed.error.issues.map((i) => i.path.join('.')) };
  }
  const parsed = lockAlertV1Schema.safeParse(vector.payload);
  return parsed.success ? { outcome: describeTriage(triageLock(parsed.data)) } : { refusedFields: parsed.error.issues.map((i) => i.path.join('.')) };
}

const jsonSchema = (s: z.ZodType) => `\`\`\`json\n${JSON.stringify(z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }), null, 2)}\n\`\`\``;

function vectorTable(vectors: DeviceTestVector[]): string {
  const rows = vectors.map((v) => {
    const expected = v.outcome ?? `refused (dead letter): \`${v.refusedField}\``;
    return `| ${v.name} | \`${v.topic}\` | \`${JSON.stringify(v.payload).replace(/\|/g, '\\|')}\` | ${expected} |`;
  });
  return ['| vector | topic | payload | outcome |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function generatedSections(): Record<string, string> {
  return {
    'crash-alert-schema': jsonSchema(crashAlertV1Schema),
    'lock-alert-schema': jsonSchema(lockAlertV1Schema),
    'trip-summary-schema': jsonSchema(tripSummaryV1Schema),
    'test-vectors': vectorTable(readVectors()),
  };
}

/** The page with every `<!-- generated:NAME -->` ... `<!-- /generated:NAME -->` block filled in. */
export function renderDevicesDoc(page: string): string {
  let out = page;
  for (const [name, body] of Object.entries(generatedSections())) {
    const open = `<!-- generated:${name} -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`docs/devices.md lacks the ${open} ... ${close} block`);
    out = `${out.slice(0, start + open.length)}\n${body}\n${out.slice(end)}`;
  }
  return out;
}

if (require.main === module) {
  const page = readFileSync(DEVICES_DOC_PATH, 'utf8');
  const rendered = renderDevicesDoc(page);
  if (process.argv.includes('--check')) {
    if (rendered !== page) {
      console.error('docs/devices.md is out of date: run `npm run docs:devices` and commit it.');
      process.exit(1);
    }
    console.log('docs/devices.md matches the contracts and the test vectors');
  } else {
    writeFileSync(DEVICES_DOC_PATH, rendered);
    console.log(`wrote ${DEVICES_DOC_PATH}`);
  }
}
