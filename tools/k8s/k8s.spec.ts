import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { KafkaPrincipals, partnerTopicSpecs, TOPIC_SPECS } from '@kuruma/contracts';
import { DEV_DEFAULT_SECRETS } from '@kuruma/config';
import { partnerGrants, platformGrants } from '../../infra/local/kafka-access';
import { CLAIMS_TRIGGER_OPS_PORT, CONTAINER_PORT, DEPLOYED_SERVICES, deployedService } from '../../infra/deploy/services';
import { documentedVariables, found, readRepoFile, runtimeStage, stageEnv } from '../../infra/deploy/deploy-files';
import { ENVIRONMENTS, type DeployEnvironment } from './environments';
import { aclRules, GROUP_PREFIX, type Manifest } from './kafka-cluster';
import { ALERTS } from './monitoring';
import { NON_PUBLIC_RANGES } from './network-policies';
import { K8S_DIR, renderAll, renderEnvironment } from './render';
import { ManifestValidator } from './schema-validation';
import type { EnvVar } from './secrets';
import { HEALTH, memoryRequestMi, migrationsHash } from './workloads';

type Container = { name: string; args?: string[]; env?: EnvVar[]; ports?: { name: string; containerPort: number }[]; livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } };
type Probe = { httpGet?: { path: string; port: string } };
type PodSpec = { containers: Container[]; initContainers?: Container[] };
type Workload = Manifest & { spec: { replicas?: number; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

const all = (env: DeployEnvironment): Manifest[] => Object.values(renderEnvironment(env)).flat();
const ofKind = <T extends Manifest = Manifest>(env: DeployEnvironment, kind: string): T[] => all(env).filter((m) => m.kind === kind) as T[];
const workloadOf = (env: DeployEnvironment, name: string): Workload => all(env).find((m) => (m.kind === 'Deployment' || m.kind === 'StatefulSet') && m.metadata.name === name) as Workload;
const mainContainer = (env: DeployEnvironment, name: string): Container => workloadOf(env, name).spec.template.spec.containers[0];
const production = found(ENVIRONMENTS.find((e) => e.name === 'production'), 'production');
const SECRET_VARIABLES = new Set([...Object.keys(DEV_DEFAULT_SECRETS), 'KAFKA_PASSWORD', 'METRICS_TOKEN', 'DATABASE_URL', 'REDIS_URL']);
/** Variables the manifests set that are Kubernetes plumbing, not configuration (.env.example). */
const KUBERNETES_ONLY = new Set(['POD_NAME']);

/**
 * What a container's process sees: the image's ENV, then the container's env with each Secret
 * reference replaced by a value that is not a published development secret, fieldRefs resolved
 * for the first pod and `$(VAR)` expanded, as the kubelet does.
 */
function processEnv(container: Container, pod: string): NodeJS.ProcessEnv {
  const env: Record<string, string> = Object.fromEntries(stageEnv(runtimeStage()));
  for (const v of container.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef;
    if (ref) env[v.name] = v.name.includes('WEBHOOK_SECRET') ? `whsec_${Buffer.from(`${ref.name}/${ref.key}`).toString('base64')}` : `secret://${ref.name}/${ref.key}/from-the-cluster-0123456789`;
    else if (v.valueFrom?.fieldRef) env[v.name] = v.valueFrom.fieldRef.fieldPath === 'metadata.name' ? pod : '';
    else env[v.name] = (v.value ?? '').replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => env[name] ?? '');
  }
  return env;
}

describe('infra/k8s', () => {
  const validator = new ManifestValidator(join(K8S_DIR, 'schemas'));

  // Rendering and validating some 150 manifests takes seconds on a loaded machine: no time limit here.
  it('is what the code renders (npm run k8s:render)', { timeout: 120_000 }, () => {
    for (const [path, text] of renderAll()) expect({ path, text: readFileSync(join(K8S_DIR, path), 'utf8') }).toEqual({ path, text });
  });

  it.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('%s: every manifest validates against the Kubernetes or its CRD schema', { timeout: 120_000 }, (_, env) => {
    const committed = readFileSync(join(K8S_DIR, env.name, 'kustomization.yaml'), 'utf8');
    const files = (YAML.parse(committed) as { resources: string[] }).resources;
    const manifests = files.flatMap((f) => YAML.parseAllDocuments(readFileSync(join(K8S_DIR, env.name, f), 'utf8')).map((d) => d.toJS() as Manifest));
    expect(manifests.length).toBeGreaterThan(40);
    const problems = manifests.flatMap((m) => validator.problems(m).map((p) => `${m.kind}/${m.metadata.name}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('refuses a manifest that breaks a schema (the validation is not vacuous)', () => {
    const deployment = structuredClone(ofKind(production, 'Deployment')[0]) as Workload;
    (deployment.spec.template.spec.containers[0] as unknown as { ports: unknown[] }).ports = [{ containerPort: 'eighty' }];
    expect(validator.problems(deployment)).not.toEqual([]);
    const topic = structuredClone(ofKind(production, 'KafkaTopic')[0]);
    (topic.spec as Record<string, unknown>)['partitionz'] = 6;
    expect(validator.problems(topic).join()).toContain('additionalProperty');
    const scaled = structuredClone(ofKind(production, 'ScaledObject')[0]);
    (scaled.spec as Record<string, unknown>)['maxReplicaCount'] = 'six';
    expect(validator.problems(scaled)).not.toEqual([]);
  });

  it('vendors each CRD schema with where it came from', () => {
    const index = JSON.parse(readFileSync(join(K8S_DIR, 'schemas/index.json'), 'utf8')) as { repository: string; tag: string; commit: string; path: string }[];
    for (const entry of index) expect(entry.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(new Set(index.map((e) => e.repository))).toEqual(new Set(['strimzi/strimzi-kafka-operator', 'kedacore/keda', 'prometheus-operator/prometheus-operator']));
  });

  it('never inlines a Secret: no Secret resource, and every secret variable comes from a secretKeyRef', () => {
    for (const env of ENVIRONMENTS) {
      expect(ofKind(env, 'Secret')).toEqual([]);
      for (const workload of [...ofKind<Workload>(env, 'Deployment'), ...ofKind<Workload>(env, 'StatefulSet'), ...ofKind<Workload>(env, 'Job')]) {
        const spec = workload.spec.template.spec;
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
          for (const v of c.env ?? []) if (SECRET_VARIABLES.has(v.name)) expect({ container: `${workload.metadata.name}/${c.name}`, variable: v.name, value: v.value }).toEqual({ container: `${workload.metadata.name}/${c.name}`, variable: v.name, value: undefined });
        }
      }
    }
  });
});

describe('infra/k8s, in line with the code', () => {
  it.each(ENVIRONMENTS.flatMap((env) => DEPLOYED_SERVICES.map((s) => [`${env.name}/${s.name}`, env, s] as const)))(
    '%s: the service accepts its configuration (production refusals included) and reaches nothing on its own loopback',
    (_, env, service) => {
      const container = mainContainer(env, service.name);
      const config = service.loadConfig(processEnv(container, `${service.name}-0`));
      expect(config['APP_ENV']).toBe(env.appEnv);
      const loopback = Object.entries(config).filter(([key, value]) => !(key === 'REDIS_URL' && !service.uses.includes('redis')) && [value].flat().some((v) => typeof v === 'string' && /(127\.0\.0\.1|localhost)/.test(v)));
      expect(loopback).toEqual([]);
      const documented = documentedVariables();
      for (const v of container.env ?? []) if (!KUBERNETES_ONLY.has(v.name)) expect({ variable: v.name, documented: documented.has(v.name) }).toEqual({ variable: v.name, documented: true });
    },
  );

  it.each(DEPLOYED_SERVICES.map((s) => [s.name, s] as const))('%s: probes on the health paths the service serves, on the port it listens on', (name, service) => {
    const controller = readRepoFile('libs/platform/service-kit/src/health/health.controller.ts');
    expect(controller).toContain("@Controller('health')");
    for (const path of Object.values(HEALTH)) expect(controller).toContain(`@Get('${path.split('/').at(-1)}')`);
    for (const env of ENVIRONMENTS) {
      const c = mainContainer(env, name);
      const config = service.loadConfig(processEnv(c, `${name}-0`));
      expect(c.ports?.find((p) => p.name === 'http')?.containerPort).toBe(config.PORT);
      expect(config.PORT).toBe(CONTAINER_PORT);
      expect(c.livenessProbe?.httpGet).toEqual({ path: HEALTH.live, port: 'http' });
      expect(c.startupProbe?.httpGet).toEqual({ path: HEALTH.live, port: 'http' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: HEALTH.ready, port: 'http' });
    }
  });

  it("routes the console's claim actions to claims-trigger's internal listener, and only the console may reach it", () => {
    for (const env of ENVIRONMENTS) {
      const claims = deployedService('claims-trigger').loadConfig(processEnv(mainContainer(env, 'claims-trigger'), 'claims-trigger-0'));
      const opsConsole = deployedService('ops-console').loadConfig(processEnv(mainContainer(env, 'ops-console'), 'ops-console-0'));
      expect(claims['CLAIMS_TRIGGER_OPS_PORT']).toBe(CLAIMS_TRIGGER_OPS_PORT);
      expect(new URL(String(opsConsole['CLAIMS_TRIGGER_OPS_URL'])).port).toBe(String(CLAIMS_TRIGGER_OPS_PORT));
      expect(claims['MQTT_CLIENT_ID']).toBe('kuruma-claims-trigger-0');
      const policy = ofKind<Manifest & { spec: { ingress: { from: unknown[]; ports: { port: number }[] }[] } }>(env, 'NetworkPolicy').find((p) => p.metadata.name === 'claims-trigger');
      if (!policy) throw new Error('no NetworkPolicy claims-trigger');
      const toOps = policy.spec.ingress.filter((r) => r.ports.some((p) => p.port === CLAIMS_TRIGGER_OPS_PORT));
      expect(toOps).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ops-console', 'app.kubernetes.io/part-of': 'kuruma-cover' } } }], ports: [{ protocol: 'TCP', port: CLAIMS_TRIGGER_OPS_PORT }] }]);
    }
  });

  it('requests the memory the bench measured, under a limit above the heap bounds', () => {
    expect(readRepoFile('docs/benchmarks.md')).toContain('| console on SQL, 15:01, no profiler, load average 6.3 at start | 118 | 129 | 114 | 146 | 145 |');
    for (const service of DEPLOYED_SERVICES) {
      const resources = mainContainer(production, service.name).resources;
      expect(resources?.requests?.['memory']).toBe(`${memoryRequestMi(service)}Mi`);
      expect(memoryRequestMi(service)).toBeGreaterThanOrEqual(service.measuredRssMb);
      expect(Number(resources?.limits?.['memory']?.replace('Mi', ''))).toBeGreaterThan(160 + 16 + memoryRequestMi(service) / 4);
    }
  });

  it('creates every topic of the topic table with its partitions and settings; production replicates 3 ways with min.insync.replicas 2', () => {
    for (const env of ENVIRONMENTS) {
      const topics = ofKind<Manifest & { spec: { topicName: string; partitions: number; replicas: number; config: Record<string, unknown> } }>(env, 'KafkaTopic');
      const expected = [...TOPIC_SPECS, ...env.partners.flatMap((p) => partnerTopicSpecs(p))];
      expect(topics.map((t) => t.spec.topicName).sort()).toEqual(expected.map((t) => t.name).sort());
      for (const spec of expected) {
        const topic = found(topics.find((t) => t.spec.topicName === spec.name), spec.name);
        expect(topic.spec.partitions).toBe(spec.partitions);
        expect(topic.spec.config).toEqual({ 'cleanup.policy': spec.cleanupPolicy, 'retention.ms': spec.retentionMs, 'max.message.bytes': spec.maxMessageBytes, 'min.insync.replicas': env.kafka.minInsyncReplicas });
        expect(topic.spec.replicas).toBeLessThanOrEqual(env.kafka.brokers);
      }
    }
    const pool = ofKind<Manifest & { spec: { replicas: number; roles: string[] } }>(production, 'KafkaNodePool')[0];
    expect(pool.spec).toMatchObject({ replicas: 3, roles: ['controller', 'broker'] });
    for (const topic of ofKind<Manifest & { spec: { replicas: number; config: Record<string, unknown> } }>(production, 'KafkaTopic')) {
      expect(topic.spec.replicas).toBe(3);
      expect(topic.spec.config['min.insync.replicas']).toBe(2);
    }
  });

  it('gives each principal exactly the ACLs the local broker grants it, and each service the KafkaUser it logs in as', () => {
    for (const env of ENVIRONMENTS) {
      const grants = [...platformGrants('', GROUP_PREFIX), ...env.partners.flatMap((p) => partnerGrants(p, ''))];
      const users = ofKind<Manifest & { spec: { authentication: { type: string }; authorization?: { acls: unknown[] } } }>(env, 'KafkaUser');
      for (const principal of new Set(grants.map((g) => g.principal))) {
        const user = users.find((u) => u.metadata.name === principal);
        expect(user?.spec.authorization?.acls).toEqual(aclRules(grants.filter((g) => g.principal === principal)));
      }
      for (const service of DEPLOYED_SERVICES) {
        const vars = mainContainer(env, service.name).env ?? [];
        const username = vars.find((v) => v.name === 'KAFKA_USERNAME')?.value;
        expect(username).toBe(KafkaPrincipals.service(service.name));
        expect(users.map((u) => u.metadata.name)).toContain(username);
        expect(vars.find((v) => v.name === 'KAFKA_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: username, key: 'password' });
      }
    }
    // What the isolation tests rely on, spelled out: a partner writes only its own booking topic.
    const dev = found(ENVIRONMENTS.find((e) => e.name === 'dev'), 'dev');
    const demo = ofKind<Manifest & { spec: { authorization: { acls: { resource: { name: string }; operations: string[] }[] } } }>(dev, 'KafkaUser').find((u) => u.metadata.name === 'partner.demo');
    if (!demo) throw new Error('no KafkaUser partner.demo');
    expect(demo.spec.authorization.acls.filter((a) => a.operations.includes('Write')).map((a) => a.resource.name)).toEqual(['partner.demo.booking-events.v1']);
  });

  it('scales each Kafka consumer on its own group, at most to the partitions the group reads', () => {
    for (const env of ENVIRONMENTS) {
      const scaled = ofKind<Manifest & { spec: { scaleTargetRef: { name: string }; minReplicaCount: number; maxReplicaCount: number; triggers: { metadata: Record<string, string> }[] } }>(env, 'ScaledObject');
      const consumers = DEPLOYED_SERVICES.filter((s) => s.consumer);
      expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(consumers.map((s) => s.name).sort());
      for (const service of consumers) {
        const so = found(scaled.find((s) => s.spec.scaleTargetRef.name === service.name), service.name);
        const consumer = found(service.consumer, 'consumer');
        const topics = [...consumer.topics, ...(consumer.partnerBookingTopics ? env.partners.flatMap((p) => partnerTopicSpecs(p).slice(0, 1).map((t) => t.name)) : [])];
        const specs = [...TOPIC_SPECS, ...env.partners.flatMap((p) => partnerTopicSpecs(p))];
        const partitions = topics.reduce((sum, t) => sum + found(specs.find((s) => s.name === t), t).partitions, 0);
        expect(so.spec.maxReplicaCount).toBe(partitions);
        expect(so.spec.minReplicaCount).toBeLessThanOrEqual(partitions);
        expect(so.spec.triggers[0].metadata['consumerGroup']).toBe(`${GROUP_PREFIX}.${consumer.group}`);
        if (so.spec.triggers[0].metadata['topic']) expect(topics).toEqual([so.spec.triggers[0].metadata['topic']]);
        // KEDA owns the replica count: a `replicas` in the Deployment would reset it at each apply.
        expect(workloadOf(env, service.name).spec.replicas).toBeUndefined();
      }
    }
  });

  it('runs the migrations as a Job named after them, and holds every service pod until they are applied', () => {
    for (const env of ENVIRONMENTS) {
      const [job] = ofKind<Workload>(env, 'Job');
      expect(job.metadata.name).toBe(`migrate-${migrationsHash()}`);
      expect(job.spec.template.spec.containers[0].args).toEqual(['migrate']);
      for (const service of DEPLOYED_SERVICES) expect(workloadOf(env, service.name).spec.template.spec.initContainers?.map((c) => c.args)).toEqual([['migrate', '--wait']]);
    }
  });

  it('puts every pod of the platform under a NetworkPolicy, and keeps partner-webhooks off private addresses', () => {
    for (const env of ENVIRONMENTS) {
      const policies = ofKind<Manifest & { spec: { podSelector: { matchLabels?: Record<string, string> }; egress?: { to: { ipBlock?: { cidr: string; except?: string[] } }[]; ports: { port: number }[] }[] } }>(env, 'NetworkPolicy');
      expect(policies.find((p) => p.metadata.name === 'default-deny-ingress')?.spec.podSelector).toEqual({});
      for (const w of [...ofKind<Workload>(env, 'Deployment'), ...ofKind<Workload>(env, 'StatefulSet'), ...ofKind<Workload>(env, 'Job')]) {
        const labels = w.spec.template.metadata.labels;
        const own = policies.filter((p) => p.metadata.name !== 'default-deny-egress' && p.metadata.name !== 'default-deny-ingress' && Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
        expect({ workload: w.metadata.name, policies: own.length }).toEqual({ workload: w.metadata.name, policies: 1 });
      }
      const webhooks = found(policies.find((p) => p.metadata.name === 'partner-webhooks'), 'partner-webhooks');
      const outward = (webhooks.spec.egress ?? []).filter((r) => r.to.some((t) => t.ipBlock?.cidr === '0.0.0.0/0'));
      expect(outward).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: NON_PUBLIC_RANGES } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
      for (const name of DEPLOYED_SERVICES.filter((s) => s.name !== 'partner-webhooks').map((s) => s.name)) {
        expect((policies.find((p) => p.metadata.name === name)?.spec.egress ?? []).some((r) => r.to.some((t) => t.ipBlock?.cidr === '0.0.0.0/0'))).toBe(false);
      }
    }
  });

  it('alerts only on metrics the services (or the Kafka exporter) really export', () => {
    const sources = ['libs/platform/service-kit/src', 'apps'].flatMap((dir) => listTs(resolve(__dirname, '../..', dir))).map((f) => readFileSync(f, 'utf8')).join('\n');
    const declared = new Set([...sources.matchAll(/'(kuruma_[a-z_]+)'/g)].map((m) => m[1]));
    const used = new Set(ALERTS.flatMap((a) => [...a.expr.matchAll(/\b(kuruma_[a-z_]+|kafka_[a-z_]+)\b/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''))));
    expect([...used].filter((name) => !declared.has(name) && name !== 'kafka_consumergroup_lag')).toEqual([]);
    expect(ALERTS.map((a) => a.alert)).toEqual(expect.arrayContaining(['KurumaConsumerLag', 'KurumaOutboxBehind', 'KurumaDeadLetters', 'KurumaFnolLatency', 'KurumaDeadLetterRate']));
  });

  it("points every alert at a runbook that exists: the file and, where named, its heading", () => {
    /** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
    const anchor = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const broken = ALERTS.flatMap(({ alert, annotations: { runbook } }) => {
      const [file = '', fragment] = runbook.split('#');
      const text = readRepoFile(file);
      const anchors = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1] ?? ''));
      return fragment === undefined || anchors.includes(fragment) ? [] : [`${alert}: ${runbook}`];
    });
    expect(broken).toEqual([]);
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'generated' ? [] : listTs(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

