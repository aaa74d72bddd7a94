/**
 * The services as Kubernetes workloads: one Deployment per Kafka consumer service (KEDA owns their
 * replica count), a StatefulSet for claims-trigger (each instance's MQTT client id must be stable,
 * since the broker keeps a persistent session per id), the ops console's Deployment, their
 * Services, PodDisruptionBudgets and ServiceAccounts, and the migration Job.
 *
 * Ordering of the migrations: the Job `migrate-<hash of the migrations>` applies them (a new set of
 * migrations is a new Job), and every service pod first runs `kuruma migrate --wait`, which only
 * reads `_prisma_migrations` until the image's migrations are all applied. So however the
 * manifests are applied (kubectl apply -k, Argo CD, Flux), no pod starts on an older schema and the
 * services never need DDL rights.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IContainer as Container } from 'kubernetes-models/v1/Container';
import type { IPodSpec as PodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import { KafkaPrincipals } from '../../libs/contracts/src/topics';
import { CLAIMS_TRIGGER_OPS_PORT, CONTAINER_PORT, type DeployedService } from '../../infra/deploy/services';
import type { DeployEnvironment } from './environments';
import { type EnvVar, fromSecret, literal, SECRETS } from './secrets';

export const PART_OF = 'kuruma-cover';
export const KAFKA_CLUSTER = 'kuruma';
/** Strimzi's Secret with the cluster CA certificate (`ca.crt`), for SASL_SSL clients. */
const KAFKA_CA_SECRET = `${KAFKA_CLUSTER}-cluster-ca-cert`;
const KAFKA_CA_DIR = '/etc/kuruma/kafka-ca';

/**
 * Memory: the request is the service's measured resident set after the bench (docs/benchmarks.md)
 * rounded up to 16 MiB; the limit leaves room above the old space V8 may use
 * (--max-old-space-size=160), its 16 MB young generation, the node binary's ~50 MB of pages and the
 * malloc arenas: the largest resident set ever measured before those bounds was 237-245 MB.
 */
export const MEMORY_LIMIT_MI = 320;
export const memoryRequestMi = (service: DeployedService): number => Math.ceil(service.measuredRssMb / 16) * 16;
/** CPU: a request for scheduling and no limit (CFS throttling shows as latency tails, docs/benchmarks.md). */
const CPU_REQUEST = '250m';

export const HEALTH = { live: '/health/live', ready: '/health/ready' } as const;

export const serviceLabels = (name: string): Record<string, string> => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF });
const metadata = (name: string, env: DeployEnvironment, extra: Record<string, string> = {}) => ({ name, namespace: env.namespace, labels: { ...serviceLabels(name), ...extra } });

export function kafkaBootstrap(env: DeployEnvironment): string {
  return `${KAFKA_CLUSTER}-kafka-bootstrap:${env.kafka.listener === 'tls' ? 9093 : 9092}`;
}

/** The variables every service reads, as this environment sets them. */
function commonEnv(service: DeployedService, env: DeployEnvironment): EnvVar[] {
  const principal = KafkaPrincipals.service(service.name);
  return [
    literal('APP_ENV', env.appEnv),
    literal('LOG_LEVEL', 'info'),
    fromSecret('DATABASE_URL', SECRETS.database, 'url'),
    literal('KAFKA_BROKERS', kafkaBootstrap(env)),
    literal('KAFKA_SECURITY_PROTOCOL', env.kafka.listener === 'tls' ? 'SASL_SSL' : 'SASL_PLAINTEXT'),
    // Strimzi's User Operator makes SCRAM-SHA-512 credentials.
    literal('KAFKA_SASL_MECHANISM', 'SCRAM-SHA-512'),
    ...(env.kafka.listener === 'tls' ? [literal('KAFKA_SSL_CA_FILE', `${KAFKA_CA_DIR}/ca.crt`)] : []),
    literal('KAFKA_GROUP_PREFIX', 'kuruma'),
    literal('KAFKA_USERNAME', principal),
    fromSecret('KAFKA_PASSWORD', principal, 'password'),
    fromSecret('API_CURSOR_KEY', SECRETS.api, 'cursor-key'),
    fromSecret('METRICS_TOKEN', SECRETS.api, 'metrics-token'),
    ...(service.uses.includes('redis') ? [fromSecret('REDIS_URL', SECRETS.redis, 'url')] : []),
  ];
}

/** The drivers' pseudonym key: booking-ingest, pricing and the ops console must hash a reference alike (docs/privacy.md). */
const driverPseudonymKey = (): EnvVar => fromSecret('DRIVER_PSEUDONYM_KEY', SECRETS.drivers, 'pseudonym-key');

const opsSharedEnv = (): EnvVar[] => [fromSecret('OPS_SERVICE_TOKEN', SECRETS.ops, 'service-token'), fromSecret('OPS_IDENTITY_KEY', SECRETS.ops, 'identity-key')];

/** What one service sets beyond the common variables. */
function ownEnv(service: DeployedService, env: DeployEnvironment): EnvVar[] {
  switch (service.name) {
    case 'booking-ingest':
      return [fromSecret('DEMO_PARTNER_API_KEY', SECRETS.demoPartner, 'api-key'), fromSecret('DEMO_PARTNER_WEBHOOK_SECRET', SECRETS.demoPartner, 'webhook-secret'), driverPseudonymKey()];
    case 'pricing':
      return [driverPseudonymKey()];
    case 'claims-trigger':
      return [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        // claims-trigger-0, -1, ...: stable across restarts, so each instance finds its persistent sessions again.
        literal('MQTT_CLIENT_ID', 'kuruma-$(POD_NAME)'),
        literal('MQTT_URL', env.mqtt.url),
        literal('MQTT_PUBLIC_URL', env.mqtt.publicUrl),
        literal('MQTT_PUBLIC_X509_URL', env.mqtt.publicX509Url),
        literal('MQTT_ADMIN_USER', 'kuruma-admin'),
        fromSecret('MQTT_ADMIN_PASSWORD', SECRETS.mqtt, 'admin-password'),
        fromSecret('MQTT_SERVICE_PASSWORD', SECRETS.mqtt, 'service-password'),
        literal('CLAIMS_TRIGGER_OPS_HOST', '0.0.0.0'),
        literal('CLAIMS_TRIGGER_OPS_PORT', CLAIMS_TRIGGER_OPS_PORT),
        ...opsSharedEnv(),
      ];
    case 'ops-console':
      return [
        literal('OPS_ADMIN_USER', 'admin'),
        fromSecret('OPS_ADMIN_PASSWORD', SECRETS.ops, 'admin-password'),
        fromSecret('OPS_SESSION_SECRET', SECRETS.ops, 'session-secret'),
        ...opsSharedEnv(),
        driverPseudonymKey(),
        literal('CLAIMS_TRIGGER_OPS_URL', `http://claims-trigger.${env.namespace}.svc:${CLAIMS_TRIGGER_OPS_PORT}`),
      ];
    default:
      return [];
  }
}

export function serviceEnv(service: DeployedService, env: DeployEnvironment): EnvVar[] {
  return [...commonEnv(service, env), ...ownEnv(service, env)];
}

const SECURITY_CONTEXT: ISecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

function podSpec(service: DeployedService, env: DeployEnvironment): PodSpec {
  const httpGet = (path: string) => ({ httpGet: { path, port: 'http' } });
  const mounts = [{ name: 'tmp', mountPath: '/tmp' }, ...(env.kafka.listener === 'tls' ? [{ name: 'kafka-ca', mountPath: KAFKA_CA_DIR, readOnly: true }] : [])];
  const container: Container = {
    name: service.name,
    image: env.image,
    args: [service.name],
    ports: [
      { name: 'http', containerPort: CONTAINER_PORT },
      ...(service.name === 'claims-trigger' ? [{ name: 'ops', containerPort: CLAIMS_TRIGGER_OPS_PORT }] : []),
    ],
    env: serviceEnv(service, env),
    resources: { requests: { cpu: CPU_REQUEST, memory: `${memoryRequestMi(service)}Mi` }, limits: { memory: `${MEMORY_LIMIT_MI}Mi` } },
    // Up to a minute to connect (Kafka, Postgres), then: restart a process that stopped answering,
    // route traffic only while its dependencies answer.
    startupProbe: { ...httpGet(HEALTH.live), periodSeconds: 2, failureThreshold: 30 },
    livenessProbe: { ...httpGet(HEALTH.live), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    readinessProbe: { ...httpGet(HEALTH.ready), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
    securityContext: SECURITY_CONTEXT,
    volumeMounts: mounts,
  };
  const waitForMigrations: Container = {
    name: 'wait-for-migrations',
    image: env.image,
    args: ['migrate', '--wait'],
    env: [fromSecret('DATABASE_URL', SECRETS.database, 'url')],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    securityContext: SECURITY_CONTEXT,
  };
  return {
    serviceAccountName: service.name,
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    // The services drain on SIGTERM (consumers, jobs, relay, producer, pools) well within this.
    terminationGracePeriodSeconds: 45,
    initContainers: [waitForMigrations],
    containers: [container],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }, ...(env.kafka.listener === 'tls' ? [{ name: 'kafka-ca', secret: { secretName: KAFKA_CA_SECRET, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] : [])],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: serviceLabels(service.name) } }],
  };
}

/** Replicas a service without KEDA keeps (KEDA sets the consumers'). */
export function fixedReplicas(service: DeployedService, env: DeployEnvironment): number | undefined {
  return service.consumer ? undefined : env.minReplicas;
}

export function workload(service: DeployedService, env: DeployEnvironment): IDeployment | IStatefulSet {
  const template = { metadata: { labels: { ...serviceLabels(service.name), 'kuruma.io/kafka-client': 'true' } }, spec: podSpec(service, env) };
  const selector = { matchLabels: serviceLabels(service.name) };
  if (service.name === 'claims-trigger') {
    return {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: metadata(service.name, env),
      spec: { serviceName: service.name, replicas: env.minReplicas, podManagementPolicy: 'Parallel', selector, template, updateStrategy: { type: 'RollingUpdate' } },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(service.name, env),
    spec: {
      ...(fixedReplicas(service, env) === undefined ? {} : { replicas: fixedReplicas(service, env) }),
      selector,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template,
    },
  };
}

export function clusterService(service: DeployedService, env: DeployEnvironment): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(service.name, env),
    spec: {
      selector: serviceLabels(service.name),
      ports: [
        { name: 'http', port: CONTAINER_PORT, targetPort: 'http' },
        ...(service.name === 'claims-trigger' ? [{ name: 'ops', port: CLAIMS_TRIGGER_OPS_PORT, targetPort: 'ops' }] : []),
      ],
    },
  };
}

/** One instance at a time may be evicted (a drain never takes a whole service down). */
export function disruptionBudget(service: DeployedService, env: DeployEnvironment): IPodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: metadata(service.name, env), spec: { maxUnavailable: 1, selector: { matchLabels: serviceLabels(service.name) } } };
}

export function serviceAccount(name: string, env: DeployEnvironment): IServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(name, env), automountServiceAccountToken: false };
}

/** A short hash of the migrations (names and contents): a new set of migrations is a new Job. */
export function migrationsHash(dir = resolve(__dirname, '../../prisma/migrations')): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name, 'migration.sql');
    try {
      hash.update(name).update(readFileSync(file));
    } catch {
      // not a migration folder (migration_lock.toml)
    }
  }
  return hash.digest('hex').slice(0, 10);
}

export function migrationJob(env: DeployEnvironment): IJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      ...metadata(`migrate-${migrationsHash()}`, env, { 'app.kubernetes.io/component': 'migrations' }),
      // Argo CD runs it in an earlier wave than the services; kubectl apply needs nothing (the pods wait).
      annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
    },
    spec: {
      backoffLimit: 4,
      template: {
        metadata: { labels: { ...serviceLabels('migrate'), 'app.kubernetes.io/component': 'migrations' } },
        spec: {
          restartPolicy: 'OnFailure',
          serviceAccountName: 'migrate',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'migrate',
              image: env.image,
              args: ['migrate'],
              env: [fromSecret('DATABASE_URL', SECRETS.migrator, 'url')],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              securityContext: SECURITY_CONTEXT,
            },
          ],
        },
      },
    },
  };
}
