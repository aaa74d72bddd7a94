/**
 * What a deployment needs to know about each service, in one place for the container image's
 * compose profile (docker-compose.yml) and the Kubernetes manifests (tools/k8s): how its
 * configuration is parsed (the service's own loader, so a deployment is checked against the code),
 * the variable of its usual host port, the Kafka consumer group and topics it reads (KEDA scales
 * on that group's lag) and its measured memory. infra/deploy/services.spec.ts keeps the groups and
 * topics in line with the apps' `KafkaTransportModule.forGroup` and `@ConsumeTopic` declarations.
 */
import { Topics } from '../../libs/contracts/src/topics';
import { loadBookingIngestConfig } from '../../apps/booking-ingest/src/booking-ingest.config';
import { loadPricingConfig } from '../../apps/pricing/src/pricing.config';
import { loadPolicyConfig } from '../../apps/policy/src/policy.config';
import { loadClaimsTriggerConfig } from '../../apps/claims-trigger/src/claims-trigger.config';
import { loadPartnerWebhooksConfig } from '../../apps/partner-webhooks/src/partner-webhooks.config';
import { loadOpsConsoleConfig } from '../../apps/ops-console/src/ops-console.config';

/** Every service listens on this port inside its container (the image sets PORT; see Dockerfile). */
export const CONTAINER_PORT = 8080;
/** claims-trigger's internal listener for the ops console (CLAIMS_TRIGGER_OPS_PORT's default). */
export const CLAIMS_TRIGGER_OPS_PORT = 3104;
/** The image's name in compose and the manifests. */
export const IMAGE = 'kuruma-cover';

export interface DeployedService {
  name: 'booking-ingest' | 'pricing' | 'policy' | 'claims-trigger' | 'partner-webhooks' | 'ops-console';
  /** The service's own configuration loader (throws naming a bad variable, as at start-up). */
  loadConfig: (env: NodeJS.ProcessEnv) => Record<string, unknown> & { PORT: number };
  /** The variable .env.example gives its port on a developer's machine. */
  hostPortVariable: string;
  /** Its Kafka consumer group (`<KAFKA_GROUP_PREFIX>.<group>`) and the platform topics it reads. */
  consumer?: { group: string; topics: readonly string[]; partnerBookingTopics?: true };
  /**
   * Resident memory (MB, VmRSS) after the bench's quotes, sustained and FNOL stages: the row
   * "console on SQL, 15:01, no profiler" of docs/benchmarks.md ("Quotes and memory").
   * partner-webhooks was not in that bench: it gets the largest figure measured.
   */
  measuredRssMb: number;
  /** Answers partners over HTTP (the gateway and partners' networks may reach it). */
  partnerFacing: boolean;
  /** Talks to these besides Postgres and Kafka (NetworkPolicy egress). */
  uses: readonly ('redis' | 'mqtt' | 'claims-trigger-ops' | 'https-out')[];
}

export const DEPLOYED_SERVICES: readonly DeployedService[] = [
  {
    name: 'booking-ingest',
    loadConfig: loadBookingIngestConfig,
    hostPortVariable: 'BOOKING_INGEST_PORT',
    consumer: { group: 'booking-ingest', topics: [Topics.bookingEvents], partnerBookingTopics: true },
    measuredRssMb: 118,
    partnerFacing: true,
    uses: [],
  },
  { name: 'pricing', loadConfig: loadPricingConfig, hostPortVariable: 'PRICING_PORT', consumer: { group: 'pricing', topics: [Topics.bookingAccepted] }, measuredRssMb: 129, partnerFacing: true, uses: ['redis'] },
  { name: 'policy', loadConfig: loadPolicyConfig, hostPortVariable: 'POLICY_PORT', consumer: { group: 'policy', topics: [Topics.bookingPriced] }, measuredRssMb: 114, partnerFacing: true, uses: [] },
  { name: 'claims-trigger', loadConfig: loadClaimsTriggerConfig, hostPortVariable: 'CLAIMS_TRIGGER_PORT', measuredRssMb: 146, partnerFacing: true, uses: ['redis', 'mqtt'] },
  {
    name: 'partner-webhooks',
    loadConfig: loadPartnerWebhooksConfig,
    hostPortVariable: 'PARTNER_WEBHOOKS_PORT',
    consumer: { group: 'partner-webhooks', topics: [Topics.policyEvents, Topics.claimEvents] },
    measuredRssMb: 146,
    partnerFacing: true,
    uses: ['redis', 'https-out'],
  },
  { name: 'ops-console', loadConfig: loadOpsConsoleConfig, hostPortVariable: 'OPS_CONSOLE_PORT', measuredRssMb: 145, partnerFacing: false, uses: ['claims-trigger-ops'] },
];

export function deployedService(name: DeployedService['name']): DeployedService {
  const service = DEPLOYED_SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`no deployed service ${name}`);
  return service;
}
