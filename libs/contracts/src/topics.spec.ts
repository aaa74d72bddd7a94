import { describe, expect, it } from 'vitest';
import { replicationFor, TOPIC_REPLICATION } from './topics';

describe(replicationFor.name, () => {
  it('keeps three copies with two in sync on a cluster of three brokers or more: one broker can be lost without losing or refusing a write', () => {
    expect(replicationFor(3)).toEqual(TOPIC_REPLICATION);
    expect(replicationFor(5)).toEqual({ replicas: 3, minInsyncReplicas: 2 });
  });

  it('never asks a smaller cluster for more copies than it has brokers (the single development broker: one)', () => {
    expect(replicationFor(1)).toEqual({ replicas: 1, minInsyncReplicas: 1 });
    expect(replicationFor(2)).toEqual({ replicas: 2, minInsyncReplicas: 1 });
  });
});
