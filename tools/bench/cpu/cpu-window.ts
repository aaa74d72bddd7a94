import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { listeningInodes, loadGeneratorPids, type MachineTicks, parseMachineStat, parseProcessStat, postgresRole, type ProcessTicks } from './proc-stat';

/** Where the platform's processes are: the services the bench started, the brokers' ports, and the shared servers. */
export interface CpuSources {
  services: () => Record<string, number>;
  /**
   * The brokers by the port they listen on, not by their pid files: a pid file can name a process
   * that is gone (a broker restarted elsewhere), and three full runs that silently left Kafka out
   * reported 6-7 % less CPU per sustained booking and 20-23 % less at 300/s (docs/benchmarks.md).
   */
  kafkaPort: number;
  mqttPort: number;
  /** The Postgres server the bench's database lives on (others may run on the machine: not the platform's). */
  postmasterPid: number;
  /** Only this database's Postgres backends are the platform's; the server is shared with other runs. */
  database: string;
  redisPort: number;
}

/** CPU of one measured window of a stage, in CPU milliseconds (one core busy for 1 s = 1,000). */
export interface CpuWindowReport {
  unit: string;
  units: number;
  seconds: number;
  /** Summed over every platform process: the services, Kafka, Mosquitto, Postgres (auxiliary + this database's backends), Redis. */
  platformCpuMs: number;
  cpuMsPerUnit: number;
  byProcess: Record<string, number>;
  /** The bench process and its workers (HTTP load): not part of the platform figure. */
  loadGeneratorCpuMs: number;
  machine: { cores: number; busyPct: number; stealPct: number; otherCpuMs: number; loadAvg1: number };
  notes: string[];
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const SAMPLE_EVERY_MS = 1_000;
const ms = (ticks: number) => Math.round((ticks * 1000) / CLK_TCK);
const read = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process exited between listing and reading
  }
};

function allProcesses(): Map<number, ProcessTicks> {
  const out = new Map<number, ProcessTicks>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = parseProcessStat(read(`/proc/${name}/stat`));
    if (p) out.set(p.pid, p);
  }
  return out;
}

interface Tracked {
  group: string;
  first: number;
  last: number;
  alive: boolean;
}

/**
 * Samples every second, so a process that exits inside the window (a Postgres backend a pool
 * replaced) still counts up to its last sample; one that starts inside it counts from zero.
 */
export class CpuWindow {
  private readonly tracked = new Map<string, Tracked>();
  /** Roles are fixed for a process's life (a backend's database does not change): read its cmdline once. */
  private readonly roles = new Map<string, string | undefined>();
  private readonly startedAt = performance.now();
  private readonly startUptimeTicks = uptimeTicks();
  private readonly startMachine: MachineTicks = parseMachineStat(read('/proc/stat'));
  private readonly startSelf = selfTicks();
  private readonly timer: NodeJS.Timeout;
  private readonly listeners = new Map<string, { pid: number; startTicks: number }>();
  /** Brokers not found at some sample: their CPU is missing for that second, and the report says so. */
  private readonly missing = new Set<string>();

  constructor(private readonly sources: CpuSources) {
    this.sample();
    // A window without a broker in it would report a platform figure that leaves it out.
    if (this.missing.size > 0) throw new Error(`no process listens on the port of ${[...this.missing].join(' and ')}: its CPU cannot be measured`);
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  stop(units: number, unit: string): CpuWindowReport {
    clearInterval(this.timer);
    this.sample();
    const machine = parseMachineStat(read('/proc/stat'));
    const byGroup: Record<string, number> = {};
    let exited = 0;
    let loadGeneratorTicks = selfTicks() - this.startSelf;
    for (const t of this.tracked.values()) {
      if (t.group === 'load-generator') {
        // An exited worker's CPU is already in the bench's children counter (cutime/cstime).
        if (t.alive) loadGeneratorTicks += t.last - t.first;
        continue;
      }
      if (!t.alive) exited++;
      byGroup[t.group] = (byGroup[t.group] ?? 0) + t.last - t.first;
    }
    const platformTicks = Object.values(byGroup).reduce((a, b) => a + b, 0);
    const busy = machine.busy - this.startMachine.busy;
    const total = machine.total - this.startMachine.total;
    const pct = (x: number) => (total > 0 ? Math.round((x / total) * 1000) / 10 : Number.NaN);
    const platformCpuMs = ms(platformTicks);
    return {
      unit,
      units,
      seconds: Math.round((performance.now() - this.startedAt) / 100) / 10,
      platformCpuMs,
      cpuMsPerUnit: units > 0 ? Math.round((platformCpuMs / units) * 100) / 100 : Number.NaN,
      byProcess: Object.fromEntries(Object.entries(byGroup).map(([g, t]) => [g, ms(t)])),
      loadGeneratorCpuMs: ms(loadGeneratorTicks),
      machine: {
        cores: Math.round(total / Math.max(1, uptimeTicks() - this.startUptimeTicks)),
        busyPct: pct(busy),
        stealPct: pct(machine.steal - this.startMachine.steal),
        otherCpuMs: ms(busy - platformTicks - loadGeneratorTicks),
        loadAvg1: Number(read('/proc/loadavg').split(' ')[0]),
      },
      notes: [
        ...(exited ? [`${exited} platform process(es) exited inside the window, counted up to their last 1 s sample`] : []),
        ...(this.missing.size > 0 ? [`${[...this.missing].join(' and ')} not found at some sample (restarting?): its CPU between restarts is missing`] : []),
      ],
    };
  }

  private sample(): void {
    const procs = allProcesses();
    for (const t of this.tracked.values()) t.alive = false;
    const groups = this.classify(procs);
    for (const [pid, group] of groups) {
      const p = procs.get(pid);
      if (!p) continue;
      const key = `${pid}:${p.startTicks}`;
      const t = this.tracked.get(key);
      if (t) Object.assign(t, { last: p.ticks, alive: true });
      // Started inside the window: all its CPU is the window's. Otherwise from what it had at first sight.
      else this.tracked.set(key, { group, first: p.startTicks >= this.startUptimeTicks ? 0 : p.ticks, last: p.ticks, alive: true });
    }
  }

  private classify(procs: Map<number, ProcessTicks>): Map<number, string> {
    const groups = new Map<number, string>();
    const services = this.sources.services();
    for (const [app, pid] of Object.entries(services)) groups.set(pid, app);
    for (const [group, port] of [['kafka', this.sources.kafkaPort], ['mosquitto', this.sources.mqttPort]] as const) {
      const pid = this.listener(group, port, procs);
      if (pid) groups.set(pid, group);
    }
    const children = new Map<number, number[]>();
    for (const p of procs.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
    for (const p of procs.values()) {
      const key = `${p.pid}:${p.startTicks}`;
      if (p.comm === 'postgres') {
        if (!this.roles.has(key)) this.roles.set(key, this.postgresGroup(p));
      } else if (p.comm === 'redis-server' && !this.roles.has(key)) {
        this.roles.set(key, read(`/proc/${p.pid}/cmdline`).includes(`:${this.sources.redisPort}`) ? 'redis' : undefined);
      }
      const role = this.roles.get(key);
      if (role) groups.set(p.pid, role);
    }
    // The bench itself and whatever it spawned that is not the platform's (the HTTP load worker).
    for (const pid of loadGeneratorPids(process.pid, children, new Set(groups.keys()))) groups.set(pid, 'load-generator');
    return groups;
  }

  /** The process listening on `port`, found again only when the one found last has gone (a broker restart). */
  private listener(group: string, port: number, procs: Map<number, ProcessTicks>): number | undefined {
    const known = this.listeners.get(group);
    if (known && procs.get(known.pid)?.startTicks === known.startTicks) return known.pid;
    const pid = pidListeningOn(port);
    const p = pid === undefined ? undefined : procs.get(pid);
    if (!p) {
      this.missing.add(group);
      return undefined;
    }
    this.listeners.set(group, { pid: p.pid, startTicks: p.startTicks });
    return p.pid;
  }

  private postgresGroup(p: ProcessTicks): string | undefined {
    if (p.pid === this.sources.postmasterPid) return 'postgres-auxiliary';
    if (p.ppid !== this.sources.postmasterPid) return undefined;
    const role = postgresRole(read(`/proc/${p.pid}/cmdline`), this.sources.database);
    return role === 'own-backend' ? 'postgres-backends' : role === 'auxiliary' ? 'postgres-auxiliary' : undefined;
  }
}

/** The pid holding a socket that listens on `port` (IPv4 or IPv6), from /proc: root sees every process's descriptors. */
function pidListeningOn(port: number): number | undefined {
  const inodes = new Set([...listeningInodes(read('/proc/net/tcp'), port), ...listeningInodes(read('/proc/net/tcp6'), port)].map((i) => `socket:[${i}]`));
  if (inodes.size === 0) return undefined;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue; // exited, or not ours to read
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${name}/fd/${fd}`))) return Number(name);
      } catch {
        // closed between listing and reading
      }
    }
  }
  return undefined;
}

/** The postmaster serving `databaseUrl`: the parent of a backend it hands us. */
export async function postmasterPid(databaseUrl: string): Promise<number> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = parseProcessStat(read(`/proc/${rows[0]?.pid}/stat`));
    if (!backend) throw new Error('the Postgres server is not on this machine: its CPU cannot be read from /proc');
    return backend.ppid;
  } finally {
    await client.end();
  }
}

function uptimeTicks(): number {
  return Math.round(Number(read('/proc/uptime').split(' ')[0]) * CLK_TCK);
}

function selfTicks(): number {
  const self = parseProcessStat(read('/proc/self/stat'));
  return self ? self.ticks + self.childTicks : 0;
}
