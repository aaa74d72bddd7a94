import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process, labelled with the service, with Node's default metrics. */
export class ServiceMetrics {
  readonly registry = new Registry();

  constructor(
    readonly service: string,
    /** Bearer token a scrape must present (METRICS_TOKEN); none means /metrics is open. */
    readonly scrapeToken?: string,
  ) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }

  counter(name: string, help: string, labelNames: string[] = []) {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** `collect`, when given, sets the gauge's values at each scrape (for values read off state). */
  gauge(name: string, help: string, labelNames: string[] = [], collect?: (gauge: Gauge) => void) {
    return new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect() { collect(this); } } : {}) });
  }

  /** Latency histogram in seconds with buckets from 1 ms to 10 s. */
  histogram(name: string, help: string, labelNames: string[] = []) {
    return this.histogramWithBuckets(name, help, labelNames, [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  /** A histogram whose buckets are part of a contract (kuruma_hop_seconds). */
  histogramWithBuckets<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
