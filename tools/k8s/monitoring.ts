/**
 * Scraping and alerts (prometheus-operator). Every metric an alert uses is one the services export
 * (tools/k8s/k8s.spec.ts checks each name against the code), except `kafka_consumergroup_lag`,
 * which Strimzi's Kafka Exporter exports (enabled in the Kafka resource). The thresholds are the
 * targets of docs/benchmarks.md where it has one.
 */
import { Hops } from '../../libs/platform/service-kit/src/tracing/hop-latency';
import { DEPLOYED_SERVICES } from '../../infra/deploy/services';
import type { DeployEnvironment } from './environments';
import { GROUP_PREFIX, type Manifest } from './kafka-cluster';
import { KAFKA_CLUSTER, PART_OF } from './workloads';
import { SECRETS } from './secrets';

const labels = { 'app.kubernetes.io/part-of': PART_OF };
const SERVICE_NAMES = DEPLOYED_SERVICES.map((s) => s.name).join('|');

interface Alert {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'page' | 'ticket' };
  annotations: { summary: string; runbook: string };
}

export const ALERTS: readonly Alert[] = [
  {
    alert: 'KurumaServiceDown',
    expr: `up{service=~"${SERVICE_NAMES}"} == 0`,
    for: '2m',
    labels: { severity: 'page' },
    annotations: { summary: '{{ $labels.service }} ({{ $labels.pod }}) has not answered a scrape for 2 minutes', runbook: 'docs/operations.md#alerts-and-their-runbooks' },
  },
  {
    alert: 'KurumaConsumerLag',
    expr: `sum by (consumergroup) (kafka_consumergroup_lag{consumergroup=~"${GROUP_PREFIX}\\\\..*"}) > 10000`,
    for: '10m',
    labels: { severity: 'page' },
    annotations: { summary: 'Consumer group {{ $labels.consumergroup }} is {{ $value }} records behind (KEDA scales up to the partition count; past it, add partitions)', runbook: 'docs/operations.md#runbook-consumer-lag' },
  },
  {
    alert: 'KurumaConsumerStuck',
    expr: 'max by (service, consumer) (kuruma_consumer_stuck_seconds) > 60',
    for: '1m',
    labels: { severity: 'page' },
    annotations: { summary: '{{ $labels.service }}: {{ $labels.consumer }} has been on one record for {{ $value }} s (readiness fails at CONSUMER_STUCK_AFTER_MS)', runbook: 'docs/operations.md#runbook-a-consumer-stuck-on-one-record' },
  },
  {
    // The outbox's age as the services see it: commit of a batch's oldest row -> acknowledged by Kafka.
    alert: 'KurumaOutboxBehind',
    expr: 'histogram_quantile(0.99, sum by (le, service) (rate(kuruma_outbox_publish_delay_seconds_bucket[5m]))) > 5',
    for: '10m',
    labels: { severity: 'page' },
    annotations: { summary: '{{ $labels.service }} publishes its outbox rows {{ $value }} s after they commit (p99)', runbook: 'docs/operations.md#runbook-outbox-backlog' },
  },
  {
    // Nobody publishes: every instance a standby, or the lock held by the connection of a host that
    // vanished. KurumaOutboxBehind cannot see this (a quantile of publishes that do not happen).
    alert: 'KurumaOutboxNoPublisher',
    expr: 'max by (service) (kuruma_outbox_relay_leader) == 0',
    for: '5m',
    labels: { severity: 'page' },
    annotations: { summary: 'No instance of {{ $labels.service }} holds its outbox relay lock: its events are not being published', runbook: 'docs/operations.md#runbook-outbox-backlog' },
  },
  {
    // Answers the service got wrong, not the caller: 4xx (refusals, rate limits) are the caller's.
    alert: 'KurumaHttpErrorRate',
    expr: 'sum by (service) (rate(kuruma_http_requests_total{status_class="5xx"}[10m])) / sum by (service) (rate(kuruma_http_requests_total[10m])) > 0.01',
    for: '10m',
    labels: { severity: 'page' },
    annotations: { summary: '{{ $labels.service }} answers {{ $value | humanizePercentage }} of its HTTP requests with 5xx', runbook: 'docs/operations.md#alerts-and-their-runbooks' },
  },
  {
    alert: 'KurumaDeadLetters',
    expr: 'sum by (topic) (increase(kuruma_dead_letters_indexed_total[15m])) > 0',
    for: '0m',
    labels: { severity: 'ticket' },
    annotations: { summary: '{{ $value }} new dead letters on {{ $labels.topic }}: see the console\'s Dead letters page', runbook: 'docs/operations.md#runbook-dead-letters' },
  },
  {
    alert: 'KurumaDeadLetterRate',
    expr: 'sum by (service, group) (rate(kuruma_consumer_dead_lettered_total[10m])) / sum by (service, group) (rate(kuruma_consumed_records_total[10m])) > 0.01',
    for: '10m',
    labels: { severity: 'page' },
    annotations: { summary: '{{ $labels.group }} dead-letters {{ $value | humanizePercentage }} of what it consumes', runbook: 'docs/operations.md#runbook-dead-letters' },
  },
  {
    alert: 'KurumaDeviceSignalErrors',
    expr: 'sum(rate(kuruma_device_signals_total{outcome="dead-letter"}[10m])) / sum(rate(kuruma_device_signals_total[10m])) > 0.05',
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: { summary: '{{ $value | humanizePercentage }} of device alerts are dead-lettered', runbook: 'docs/operations.md#runbook-dead-letters' },
  },
  {
    // docs/benchmarks.md: MQTT crash -> claim p99 <= 100 ms at 1,000 alerts/s.
    alert: 'KurumaFnolLatency',
    expr: `histogram_quantile(0.99, sum by (le) (rate(kuruma_hop_seconds_bucket{hop="${Hops.mqttReceiptToClaimsCommit}"}[5m]))) > 0.1`,
    for: '10m',
    labels: { severity: 'page' },
    annotations: { summary: 'FNOL: p99 from MQTT receipt to the committed claim is {{ $value }} s (target 0.1 s)', runbook: 'docs/tracing.md' },
  },
  {
    // docs/benchmarks.md: confirmed -> policy.bound p99 <= 250 ms.
    alert: 'KurumaBindLatency',
    expr: 'histogram_quantile(0.99, sum by (le) (rate(kuruma_policy_bind_latency_seconds_bucket[5m]))) > 0.25',
    for: '15m',
    labels: { severity: 'ticket' },
    annotations: { summary: 'Binding: p99 from booking accepted to policy bound is {{ $value }} s (target 0.25 s)', runbook: 'docs/tracing.md' },
  },
  {
    alert: 'KurumaWebhookFailures',
    expr: 'sum(increase(kuruma_webhook_attempts_total{outcome="failed"}[1h])) > 0 or sum(increase(kuruma_webhook_endpoints_disabled_total[1h])) > 0',
    for: '0m',
    labels: { severity: 'ticket' },
    annotations: { summary: 'Webhook deliveries ran out of retries or an endpoint was disabled in the last hour', runbook: 'docs/webhooks.md' },
  },
  {
    alert: 'KurumaWebhookLag',
    expr: 'max(kuruma_webhook_lag_seconds) > 300',
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: { summary: 'The oldest due webhook delivery has waited {{ $value }} s', runbook: 'docs/webhooks.md' },
  },
];

export function monitoring(env: DeployEnvironment): Manifest[] {
  return [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'kuruma-services', namespace: env.namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        endpoints: [
          {
            port: 'http',
            path: '/metrics',
            interval: '30s',
            // The services label their metrics with `service` themselves; keep theirs.
            honorLabels: true,
            authorization: { type: 'Bearer', credentials: { name: SECRETS.api, key: 'metrics-token' } },
          },
        ],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'kuruma-kafka-exporter', namespace: env.namespace, labels },
      spec: { selector: { matchLabels: { 'strimzi.io/name': `${KAFKA_CLUSTER}-kafka-exporter` } }, podMetricsEndpoints: [{ port: 'tcp-prometheus', path: '/metrics', interval: '30s' }] },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'kuruma-alerts', namespace: env.namespace, labels },
      spec: { groups: [{ name: 'kuruma-cover', rules: ALERTS }] },
    },
  ];
}
