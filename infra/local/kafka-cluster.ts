import { existsSync, readFileSync } from 'node:fs';
import { loadStackConfig, type StackConfig } from '../../libs/platform/config/src/stack.config';
import { kafkaNodePid, kafkaNodes, type KafkaNode, startKafkaNode, stopKafkaNode } from './kafka-broker';
import { adminAuth } from './partner-provisioning';
import { adminClient } from './topics';

/**
 * One node at a time of the local Kafka cluster the environment describes (KAFKA_BROKERS,
 * KAFKA_CLUSTER_SIZE, STACK_STATE_DIR, as `npm run stack:up`): what a fault-injection run needs to
 * kill a broker (the one leading most partitions, or the active controller) and bring it back.
 * The cluster itself is started by ensureStack(); this only acts on nodes it already has.
 */
export class LocalKafkaCluster {
  private readonly config: StackConfig;
  readonly nodes: readonly KafkaNode[];

  constructor(env: NodeJS.ProcessEnv = process.env, private readonly say: (msg: string) => void = () => undefined) {
    this.config = loadStackConfig(env);
    this.nodes = kafkaNodes(this.config.STACK_STATE_DIR, this.config.KAFKA_BROKERS);
  }

  get brokers(): string[] {
    return this.config.KAFKA_BROKERS;
  }

  /** Node ids whose JVM runs (started by this state directory). */
  running(): number[] {
    return this.nodes.filter((n) => kafkaNodePid(n.paths) !== null).map((n) => n.id);
  }

  /** `kill -9` of one node: no controlled shutdown, its leaderships fail over by election. */
  async kill(nodeId: number): Promise<void> {
    await stopKafkaNode(this.node(nodeId).paths, this.say, 'SIGKILL');
  }

  /** A graceful stop of one node (controlled shutdown: leaderships move before it exits). */
  async stop(nodeId: number): Promise<void> {
    await stopKafkaNode(this.node(nodeId).paths, this.say, 'SIGTERM');
  }

  /** Starts a stopped or killed node again and waits until it is a live broker of the cluster. */
  async start(nodeId: number): Promise<void> {
    await startKafkaNode(this.nodes, nodeId, this.config.KAFKA_HEAP, { admin: adminAuth(this.config), bootstrapUsers: [] }, this.say);
  }

  /** Kill -9, `downMs` down, start again. */
  async crashAndRestart(nodeId: number, downMs: number): Promise<void> {
    await this.kill(nodeId);
    await new Promise((r) => setTimeout(r, downMs));
    await this.start(nodeId);
  }

  /** Partitions each live broker leads, over `topics` (default: every topic, the internal ones included). */
  async leadership(topics?: string[]): Promise<Map<number, number>> {
    const admin = adminClient(this.brokers, adminAuth(this.config), 'kuruma-cluster');
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata(topics ? { topics } : undefined);
      const led = new Map<number, number>();
      for (const t of metadata.topics) for (const p of t.partitions) if (p.leader >= 0) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
      return led;
    } finally {
      await admin.disconnect();
    }
  }

  /** The broker leading the most partitions of `topics`: the kill that moves the most leaderships. */
  async leaderOfMostPartitions(topics?: string[]): Promise<number> {
    const led = [...(await this.leadership(topics)).entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    if (!led[0]) throw new Error('no partition has a leader');
    return led[0][0];
  }

  /**
   * The active KRaft controller (the metadata quorum's leader): the leader of the highest epoch the
   * nodes' own logs record (each logs its Raft transitions; rotated files included). kafkajs cannot
   * tell: a KRaft cluster answers Metadata with a random live broker as its "controller".
   */
  activeController(): number {
    let best: { epoch: number; leader: number } | undefined;
    for (const node of this.nodes) {
      for (const file of [node.paths.logFile, ...[1, 2, 3].map((n) => `${node.paths.logFile}.${n}`)]) {
        if (!existsSync(file)) continue;
        for (const m of readFileSync(file, 'utf8').matchAll(/Completed transition to (?:Leader\(localReplicaKey=ReplicaKey\(id=(\d+)[^\n]*?epoch=(\d+)|FollowerState\([^\n]*?epoch=(\d+), leader=(\d+))/g)) {
          const [epoch, leader] = m[1] !== undefined ? [Number(m[2]), Number(m[1])] : [Number(m[3]), Number(m[4])];
          if (!best || epoch > best.epoch) best = { epoch, leader };
        }
      }
    }
    if (!best) throw new Error(`no controller election in the Kafka logs (${this.nodes.map((n) => n.paths.logFile).join(', ')})`);
    return best.leader;
  }

  /** Partitions of `topics` (default: all) with fewer in-sync replicas than replicas: 0 once a returned node has caught up. */
  async underReplicatedPartitions(topics?: string[]): Promise<number> {
    const admin = adminClient(this.brokers, adminAuth(this.config), 'kuruma-cluster');
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata(topics ? { topics } : undefined);
      return metadata.topics.flatMap((t) => t.partitions).filter((p) => p.isr.length < p.replicas.length).length;
    } finally {
      await admin.disconnect();
    }
  }

  private node(nodeId: number): KafkaNode {
    const node = this.nodes.find((n) => n.id === nodeId);
    if (!node) throw new Error(`no Kafka node ${nodeId}: the cluster has ${this.nodes.map((n) => n.id).join(', ')}`);
    return node;
  }
}
