/**
 * NetworkPolicies: nothing reaches a pod of the namespace unless a policy allows it (Strimzi adds
 * its own for the brokers' listeners: `networkPolicyPeers` in kafka-cluster.ts), and the platform's
 * pods reach nothing but what each really talks to: DNS, the Kafka brokers, Postgres, and per
 * service Redis, the MQTT broker, claims-trigger's internal listener (the console only) or, for
 * partner-webhooks, partners' HTTPS endpoints on public addresses (never private ones: the SSRF
 * rules of docs/webhooks.md, enforced once more by the network).
 */
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule as EgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { INetworkPolicyIngressRule as IngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import { CLAIMS_TRIGGER_OPS_PORT, CONTAINER_PORT, type DeployedService } from '../../infra/deploy/services';
import type { DeployEnvironment, Egress } from './environments';
import { KAFKA_CLUSTER, PART_OF, serviceLabels } from './workloads';

/** Address ranges partner-webhooks may never call: private, loopback, link-local (cloud metadata), CGNAT. */
export const NON_PUBLIC_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10'];
/** KEDA's operator reads the consumer groups' offsets from the brokers. */
export const KEDA_NAMESPACE_LABEL = { 'kubernetes.io/metadata.name': 'keda' };

const policy = (name: string, env: DeployEnvironment, spec: INetworkPolicy['spec']): INetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: env.namespace, labels: { 'app.kubernetes.io/part-of': PART_OF } },
  spec,
});

const dns: EgressRule = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};
const toBlock = (egress: Egress): EgressRule => ({ to: [{ ipBlock: { cidr: egress.cidr } }], ports: [{ protocol: 'TCP', port: egress.port }] });
const kafka = (env: DeployEnvironment): EgressRule => ({
  to: [{ podSelector: { matchLabels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/kind': 'Kafka' } } }],
  ports: [{ protocol: 'TCP', port: env.kafka.listener === 'tls' ? 9093 : 9092 }],
});

export function egressOf(service: DeployedService, env: DeployEnvironment): EgressRule[] {
  const rules = [dns, kafka(env), toBlock(env.postgres)];
  if (service.uses.includes('redis')) rules.push(toBlock(env.redis));
  if (service.uses.includes('mqtt')) rules.push(toBlock(env.mqtt.broker));
  if (service.uses.includes('claims-trigger-ops')) rules.push({ to: [{ podSelector: { matchLabels: serviceLabels('claims-trigger') } }], ports: [{ protocol: 'TCP', port: CLAIMS_TRIGGER_OPS_PORT }] });
  if (service.uses.includes('https-out')) rules.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: NON_PUBLIC_RANGES } }], ports: [{ protocol: 'TCP', port: 443 }] });
  return rules;
}

export function ingressOf(service: DeployedService, env: DeployEnvironment): IngressRule[] {
  const http = [{ protocol: 'TCP' as const, port: CONTAINER_PORT }];
  const rules: IngressRule[] = [{ from: [{ namespaceSelector: { matchLabels: env.monitoringNamespaceLabel } }], ports: http }];
  // Partners reach the partner APIs, ops staff the console, both through the gateway / ingress.
  rules.push({ from: [{ namespaceSelector: { matchLabels: env.gatewayNamespaceLabel } }], ports: http });
  if (service.name === 'claims-trigger') rules.push({ from: [{ podSelector: { matchLabels: serviceLabels('ops-console') } }], ports: [{ protocol: 'TCP', port: CLAIMS_TRIGGER_OPS_PORT }] });
  return rules;
}

export function networkPolicies(services: readonly DeployedService[], env: DeployEnvironment): INetworkPolicy[] {
  return [
    policy('default-deny-ingress', env, { podSelector: {}, policyTypes: ['Ingress'] }),
    // Egress is denied by default for the platform's pods; the brokers (Strimzi's) keep theirs.
    policy('default-deny-egress', env, { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } }, policyTypes: ['Egress'] }),
    ...services.map((s) => policy(s.name, env, { podSelector: { matchLabels: serviceLabels(s.name) }, policyTypes: ['Ingress', 'Egress'], ingress: ingressOf(s, env), egress: egressOf(s, env) })),
    policy('migrate', env, { podSelector: { matchLabels: serviceLabels('migrate') }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [dns, toBlock(env.postgres)] }),
    policy('kafka-exporter', env, {
      podSelector: { matchLabels: { 'strimzi.io/name': `${KAFKA_CLUSTER}-kafka-exporter` } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: env.monitoringNamespaceLabel } }], ports: [{ protocol: 'TCP', port: 9404 }] }],
    }),
  ];
}
