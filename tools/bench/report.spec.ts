import { describe, expect, it } from 'vitest';
import { type BenchResults, rewriteBenchmarkTable } from './report';

const run: BenchResults = {
  startedAt: '2026-12-01T10:00:00.000Z',
  machine: { cpus: 2, model: 'Test CPU', memGb: 8, node: 'v20.19.0' },
  engine: { quotesPerSec: 123_456 },
  fnol200: { p50: 20, p99: 120, n: 2_000 },
};

describe(rewriteBenchmarkTable.name, () => {
  it("replaces only the table between the markers with this run's, keeping the prose around it", () => {
    const doc = 'intro\n<!-- bench:table:start -->\nold table\n<!-- bench:table:end -->\nexplanation\n';
    const sut = rewriteBenchmarkTable(doc, run);
    expect(sut.startsWith('intro\n<!-- bench:table:start -->\nRun of 2026-12-01T10:00:00.000Z on 2 cores (Test CPU)')).toBe(true);
    expect(sut.endsWith('<!-- bench:table:end -->\nexplanation\n')).toBe(true);
    expect(sut).not.toContain('old table');
    expect(sut).toContain('| tariff engine quotes per second (one core) | 123,456 |  |  | >= 100,000 | met |');
    expect(sut).toContain('| MQTT crash -> claim.fnol-opened p50 / p99 at 200/s (ms) | 20 / 120 |');
  });
});
