import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, type Admin, ResourcePatternTypes } from 'kafkajs';
import { KafkaPrincipals, PartnerTopics, partnerTopicSpecs, TOPIC_SPECS, topicName, type TopicSpec } from '../../libs/contracts/src/topics';
import { devKafkaPassword } from '../../libs/platform/config/src/kafka.config';
import type { KafkaAuth } from '../../libs/data-access/messaging/src/kafka/kafka-auth';
import { kafkaReady, type ScramUser } from './kafka-broker';
import { tail } from './process-utils';

/**
 * Who may do what on the broker: every grant is an ALLOW for one principal, and the broker denies
 * everything no grant allows (allow.everyone.if.no.acl.found=false). READ and WRITE imply DESCRIBE;
 * WRITE on a topic also lets a producer be idempotent (Kafka 3.0+), so no cluster grant is needed.
 */
export interface AclGrant {
  principal: string;
  resource: 'topic' | 'group';
  pattern: 'literal' | 'prefixed';
  name: string;
  operation: 'read' | 'write';
}

/** The services, each its own principal `service.<name>`. */
export const SERVICES = ['booking-ingest', 'pricing', 'policy', 'claims-trigger', 'ops-console', 'partner-webhooks'] as const;
/** Consumer groups of the reconcile tool (`reconcile-<pid>-<time>`, one per run). */
const RECONCILE_GROUP_PREFIX = 'reconcile-';

/** Writers get WRITE, readers READ, on exactly the namespaced topic names. */
export function topicGrants(specs: readonly TopicSpec[], namespace: string): AclGrant[] {
  return specs.flatMap((spec) => [
    ...spec.writers.map((principal): AclGrant => ({ principal, resource: 'topic', pattern: 'literal', name: topicName(spec.name, namespace), operation: 'write' })),
    ...spec.readers.map((principal): AclGrant => ({ principal, resource: 'topic', pattern: 'literal', name: topicName(spec.name, namespace), operation: 'read' })),
  ]);
}

/** The shared topics and each service's consumer groups (`<groupPrefix>.<service>...`). */
export function platformGrants(namespace: string, groupPrefix: string): AclGrant[] {
  const groups = SERVICES.map((service): AclGrant => ({ principal: KafkaPrincipals.service(service), resource: 'group', pattern: 'prefixed', name: `${groupPrefix}.${service}`, operation: 'read' }));
  const reconcile: AclGrant = { principal: KafkaPrincipals.tool('reconcile'), resource: 'group', pattern: 'prefixed', name: RECONCILE_GROUP_PREFIX, operation: 'read' };
  return [...topicGrants(TOPIC_SPECS, namespace), ...groups, reconcile];
}

/** A partner's own topics (and the services' side of them) and its consumer groups. */
export function partnerGrants(partnerId: string, namespace: string): AclGrant[] {
  return [
    ...topicGrants(partnerTopicSpecs(partnerId), namespace),
    { principal: KafkaPrincipals.partner(partnerId), resource: 'group', pattern: 'prefixed', name: `${namespace}${PartnerTopics.groupPrefix(partnerId)}`, operation: 'read' },
  ];
}

/**
 * Creates the grants (the broker keeps one copy of an ACL however often it is created) and waits
 * until the broker enforces them: a partner provisioned a moment ago must be able to publish.
 */
export async function applyGrants(admin: Admin, grants: AclGrant[]): Promise<void> {
  if (grants.length === 0) return;
  const acl = grants.map(toAcl);
  await admin.createAcls({ acl });
  const deadline = Date.now() + 15_000;
  const key = (a: { resourceType: number; resourceName: string; resourcePatternType: number; operation: number }) =>
    `${a.resourceType}|${a.resourceName}|${a.resourcePatternType}|${a.operation}`;
  for (const principal of new Set(acl.map((a) => a.principal))) {
    const wanted = acl.filter((a) => a.principal === principal).map(key);
    for (;;) {
      const { resources } = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal,
        host: '*',
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ALLOW,
      });
      const enforced = new Set(resources.flatMap((r) => r.acls.map((a) => key({ ...r, operation: a.operation }))));
      if (wanted.every((k) => enforced.has(k))) break;
      if (Date.now() > deadline) throw new Error(`the broker did not apply the ACLs of ${principal} within 15 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function toAcl(g: AclGrant) {
  return {
    principal: `User:${g.principal}`,
    host: '*',
    resourceType: g.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: g.name,
    resourcePatternType: g.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    operation: g.operation === 'read' ? AclOperationTypes.READ : AclOperationTypes.WRITE,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/** The platform's own principals with their published development passwords (local stack only). */
export function devPlatformUsers(): ScramUser[] {
  return [...SERVICES.map((s) => KafkaPrincipals.service(s)), KafkaPrincipals.tool('reconcile')].map((username) => ({ username, password: devKafkaPassword(username) }));
}

/** The environment a launcher gives one service so it connects as its own principal. */
export function devServiceKafkaEnv(service: string): Record<string, string> {
  const username = KafkaPrincipals.service(service);
  return { KAFKA_USERNAME: username, KAFKA_PASSWORD: devKafkaPassword(username) };
}

const SCRAM_TOOL = resolve(__dirname, 'kafka/ScramUsers.java');

/**
 * Makes sure each user exists with its password. Users that already authenticate cost one
 * handshake each (as the user, over the admin's transport); the rest are created (or their password set) in one JVM run of ScramUsers.java
 * with the broker's jars. `keepExisting`: a user that exists keeps its password (provisioning
 * without --password must never rotate a partner's credentials behind its back).
 */
export async function ensureScramUsers(
  options: { libs: string; brokers: string[]; admin: KafkaAuth; keepExisting?: boolean },
  users: ScramUser[],
): Promise<string[]> {
  // A broker without authentication (KAFKA_SECURITY_PROTOCOL=PLAINTEXT, e.g. docker compose) has no users.
  if (options.admin.securityProtocol === 'plaintext') return [];
  const missing: ScramUser[] = [];
  for (const user of users) if (!(await kafkaReady(options.brokers, { ...options.admin, ...user }))) missing.push(user);
  if (missing.length === 0) return [];
  const input = [`${options.admin.username}\t${options.admin.password}`, ...missing.map((u) => `${u.username}\t${u.password}`)].join('\n');
  const run = spawnSync('java', ['-Xmx128m', '-cp', `${options.libs}/*`, SCRAM_TOOL, options.brokers.join(','), ...(options.keepExisting ? ['--keep-existing'] : [])], {
    input,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`creating Kafka SCRAM users failed:\n${tail(run.stdout + run.stderr, 20)}`);
  return run.stdout.split('\n').filter((l) => l.startsWith('set ')).map((l) => l.slice(4));
}
