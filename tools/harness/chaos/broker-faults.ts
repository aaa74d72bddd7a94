import { partnerTopicSpecs, TOPIC_SPECS } from '@kuruma/contracts';
import type { LocalKafkaCluster } from '../../../infra/local/kafka-cluster';
import { testTopic } from '../test-env';
import { waitUntil } from '../wait-until';

/** The faults a broker of a cluster can suffer in a run (each, as every fault, one at a time). */
export type BrokerFaultKind = 'broker-kill-leader' | 'broker-kill-controller' | 'broker-down' | 'kafka-restart';

export interface BrokerFaultOptions {
  /** How long a crashed broker stays down before its supervisor starts it again. */
  crashDownMs?: number;
  /** The long outage: one broker down this long while traffic goes on. */
  outageMs?: number;
  log: (msg: string) => void;
}

/** The run's own topics: the platform's and the demo partner's, in the run's namespace. */
export const runTopics = (): string[] => [...TOPIC_SPECS, ...partnerTopicSpecs('demo')].map((s) => testTopic(s.name));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Faults of a three-node cluster (replication factor 3, min.insync.replicas 2) that a single
 * broker would not survive, for `npm run chaos -- --kafka-brokers 3` (docs/reliability.md):
 *
 * - `broker-kill-leader`: `kill -9` of the node leading the most partitions of the run's topics,
 *   under load, `crashDownMs` down, started again (its leaderships move by election meanwhile);
 * - `broker-kill-controller`: the same for the active KRaft controller (a new quorum leader is elected);
 * - `broker-down`: one node (in turn) killed and left down for `outageMs` while traffic goes on;
 * - `kafka-restart`: a rolling restart's step, one node (in turn) stopped gracefully and started
 *   again, never the whole cluster at once (that is an outage, not a restart).
 *
 * Each fault waits, after the node is back, until no partition of the run is under-replicated: a
 * second broker lost before the first has caught up would leave partitions below
 * min.insync.replicas, which stops writes (by design) rather than testing the failover.
 */
export function brokerFaults(cluster: LocalKafkaCluster, o: BrokerFaultOptions): Record<BrokerFaultKind, () => Promise<void>> {
  const topics = runTopics();
  const crashDownMs = o.crashDownMs ?? 10_000;
  const outageMs = o.outageMs ?? 60_000;
  let outageTurn = 0;
  let restartTurn = 0;
  const inTurn = (turn: number): number => (cluster.nodes[turn % cluster.nodes.length] as { id: number }).id;

  const inSync = async (node: number) => {
    const started = Date.now();
    const synced = await waitUntil(async () => (await cluster.underReplicatedPartitions(topics).catch(() => -1)) === 0, 180_000, 1_000);
    o.log(synced ? `Kafka node ${node} back and in sync after ${Math.round((Date.now() - started) / 1000)} s` : `Kafka node ${node} back, partitions still under-replicated after 180 s`);
  };
  const crash = async (node: number, downMs: number, why: string) => {
    o.log(`kill -9 of Kafka node ${node} (${why}), ${Math.round(downMs / 1000)} s down`);
    await cluster.crashAndRestart(node, downMs);
    await inSync(node);
  };
  return {
    'broker-kill-leader': async () => crash(await cluster.leaderOfMostPartitions(topics), crashDownMs, 'leading the most partitions'),
    'broker-kill-controller': async () => crash(cluster.activeController(), crashDownMs, 'the active controller'),
    'broker-down': async () => crash(inTurn(outageTurn++), outageMs, 'a long outage'),
    'kafka-restart': async () => {
      const node = inTurn(restartTurn++);
      o.log(`rolling restart: Kafka node ${node} stopped gracefully`);
      await cluster.stop(node);
      await sleep(1_000);
      await cluster.start(node);
      await inSync(node);
    },
  };
}

/** Starts every node a failed fault left down (before the run settles and its ledger is read). */
export async function restartStoppedBrokers(cluster: LocalKafkaCluster, log: (msg: string) => void): Promise<void> {
  for (const node of cluster.nodes) {
    if (cluster.running().includes(node.id)) continue;
    log(`Kafka node ${node.id} was left down by a fault; starting it`);
    await cluster.start(node.id);
  }
}
