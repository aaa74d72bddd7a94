import { describe, expect, it } from 'vitest';
import { ServiceMetrics } from '../metrics/metrics';
import { HOP_SECONDS_BUCKETS, Hops } from './hop-latency';
import { type RecordedSpan, ServiceTracing, type SpanRecorder } from './service-tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

function setup() {
  const metrics = new ServiceMetrics('sut');
  const sut = new ServiceTracing('sut', metrics);
  const hop = async (name: string) => {
    const values = ((await metrics.registry.getSingleMetric('kuruma_hop_seconds')?.get())?.values ?? []) as { value: number; labels: Record<string, string | number>; metricName?: string }[];
    const of = (suffix: string) => values.find((v) => v.metricName === `kuruma_hop_seconds_${suffix}` && v.labels['hop'] === name)?.value ?? 0;
    return { count: of('count'), sum: of('sum') };
  };
  return { sut, metrics, hop };
}

describe(ServiceTracing.name, () => {
  it('registers kuruma_hop_seconds with the contract buckets once per registry', async () => {
    const { metrics } = setup();
    expect(() => new ServiceTracing('again', metrics)).not.toThrow();
    const text = await metrics.registry.getSingleMetricAsString('kuruma_hop_seconds');
    expect(text).toContain('# TYPE kuruma_hop_seconds histogram');
    expect(HOP_SECONDS_BUCKETS).toHaveLength(21);
  });

  it('observes a hop once per child, from each start to the end, and a skewed clock as 0', async () => {
    const { sut, hop } = setup();
    const trace = sut.begin('consume', 'consumer', Hops.pricedTopicToPolicyCommit);
    trace.child({ headers: { traceparent: PARENT } }, 1_000);
    trace.child({ headers: {} }, 1_500);
    trace.child(undefined, 9_000);
    trace.end(2_000);
    expect(await hop(Hops.pricedTopicToPolicyCommit)).toEqual({ count: 3, sum: 1.5 });
  });

  it("times only the outbox rows of the hop's topic and, without spans, sends their headers as written", async () => {
    const { sut, hop } = setup();
    const batch = sut.outbox(Hops.policyCommitToPublicTopic, 'policy-events')();
    const headers = { traceparent: PARENT, 'x-partner-id': 'demo' };
    const now = Date.now();
    expect(batch.sending({ topic: 'policy-events', headers, created_at: new Date(now - 40) })).toBe(headers);
    expect(batch.sending({ topic: 'dead-letters', headers: null, created_at: new Date(now - 40) })).toBeUndefined();
    batch.acknowledged();
    expect((await hop(Hops.policyCommitToPublicTopic)).count).toBe(1);
  });

  it('with a span recorder, makes each child a span of the same trace and sends the outbox row with its span', async () => {
    const { sut } = setup();
    const started: { parent: string | undefined; startMs: number; ended?: number }[] = [];
    const recorder: SpanRecorder = {
      start: (_name, _kind, parent, _state, startMs): RecordedSpan => {
        const span: (typeof started)[number] = { parent: parent?.spanId, startMs };
        started.push(span);
        return { traceparent: `00-${parent?.traceId ?? TRACE}-${String(started.length).padStart(16, '1')}-01`, end: (endMs) => void (span.ended = endMs) };
      },
      shutdown: async () => undefined,
    };
    sut.recordSpans(recorder);
    const batch = sut.outbox(Hops.policyCommitToPublicTopic, 'accepted')();
    const sent = batch.sending({ topic: 'accepted', headers: { traceparent: PARENT, 'x-other': 'kept' }, created_at: new Date(5) });
    batch.acknowledged();
    expect(sent).toEqual({ traceparent: `00-${TRACE}-1111111111111111-01`, 'x-other': 'kept' });
    expect(started).toEqual([{ parent: '00f067aa0ba902b7', startMs: 5, ended: expect.any(Number) }]);
  });
});
