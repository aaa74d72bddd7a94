import { describe, expect, it } from 'vitest';
import { listeningInodes, loadGeneratorPids, parseMachineStat, parseProcessStat, postgresRole } from './proc-stat';

describe(parseProcessStat.name, () => {
  it('reads utime+stime, the children, the parent and the start time', () => {
    const line = '5126 (java) S 1 5126 5126 0 -1 4194304 111152 0 98 0 1541 393 7 3 20 0 86 0 15652 6008737792 102217';
    expect(parseProcessStat(line)).toEqual({ pid: 5126, comm: 'java', ppid: 1, ticks: 1934, childTicks: 10, startTicks: 15652 });
  });

  it('counts fields from the last parenthesis, since a command name may hold spaces and parentheses', () => {
    const line = '42 (my (odd) name) R 7 42 42 0 -1 0 0 0 0 0 10 20 0 0 20 0 1 0 999 0 0';
    expect(parseProcessStat(line)).toMatchObject({ pid: 42, comm: 'my (odd) name', ppid: 7, ticks: 30, startTicks: 999 });
  });

  it('says nothing rather than a made-up zero for a line it cannot read', () => {
    expect(parseProcessStat('')).toBeUndefined();
    expect(parseProcessStat('12 (truncated) S 1')).toBeUndefined();
  });
});

describe(parseMachineStat.name, () => {
  it('splits the aggregate line into busy, idle (with iowait) and steal', () => {
    const stat = 'cpu  18753 1 7950 26784 344 2 254 135 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1';
    expect(parseMachineStat(stat)).toEqual({ busy: 18753 + 1 + 7950 + 2 + 254, idle: 26784 + 344, steal: 135, total: 18753 + 1 + 7950 + 2 + 254 + 26784 + 344 + 135 });
  });

  it('refuses a file without the aggregate line', () => {
    expect(() => parseMachineStat('cpu0 1 2 3')).toThrow(/aggregate/);
  });
});

describe(postgresRole.name, () => {
  it("tells the bench database's backends from other databases' and from the server's own processes", () => {
    expect(postgresRole('postgres: 15/main: postgres kuruma_bench 127.0.0.1(47358) idle', 'kuruma_bench')).toBe('own-backend');
    expect(postgresRole('postgres: 15/main: postgres kuruma_claims 127.0.0.1(47358) COMMIT waiting', 'kuruma_bench')).toBe('other-backend');
    expect(postgresRole('postgres: 15/main: postgres kuruma_bench [local] idle', 'kuruma_bench')).toBe('own-backend');
    expect(postgresRole('postgres: 15/main: checkpointer ', 'kuruma_bench')).toBe('auxiliary');
    expect(postgresRole('postgres: 15/main: autovacuum worker kuruma_bench', 'kuruma_bench')).toBe('auxiliary');
    expect(postgresRole('/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql/15/main', 'kuruma_bench')).toBe('auxiliary');
  });
});

describe(listeningInodes.name, () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 40123 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:0754 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 40200 1 0000000000000000 100 0 0 10 0',
    '   2: 0100007F:2384 0100007F:B2A0 01 00000000:00000000 00:00000000 00000000     0        0 40999 1 0000000000000000 20 4 30 10 -1',
  ].join('\n');

  it('finds the socket listening on the port, not the connections to it', () => {
    expect(listeningInodes(table, 9092)).toEqual(['40123']);
    expect(listeningInodes(table, 1876)).toEqual(['40200']);
  });

  it('finds nothing on a port no one listens on', () => {
    expect(listeningInodes(table, 1884)).toEqual([]);
  });
});

describe(loadGeneratorPids.name, () => {
  // bench 10 -> load worker 11 -> its helper 12; bench 10 -> Kafka 20 (the bench started the stack) -> Kafka's child 21.
  const children = new Map([
    [10, [11, 20]],
    [11, [12]],
    [20, [21]],
  ]);

  it("counts the bench's own children and theirs", () => {
    expect(loadGeneratorPids(10, children, new Set()).sort()).toEqual([11, 12, 20, 21]);
  });

  it('leaves out a broker the bench started, and what the broker started, since they are the platform', () => {
    expect(loadGeneratorPids(10, children, new Set([20])).sort()).toEqual([11, 12]);
  });
});
