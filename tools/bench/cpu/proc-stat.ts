/**
 * Parsing of Linux's /proc text (proc(5)): per-process CPU ticks and the machine's CPU counters.
 * Pure functions, so the parsing is unit-tested without a /proc.
 */

export interface ProcessTicks {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime: CPU this process has used, in clock ticks (CLK_TCK a second). */
  ticks: number;
  /** cutime + cstime: CPU of its children that have exited and been waited for. */
  childTicks: number;
  /** Start time in ticks after boot: with the pid, tells a reused pid from the old process. */
  startTicks: number;
}

/** One line of /proc/<pid>/stat. `comm` may hold spaces and parentheses, so fields count from its last ')'. */
export function parseProcessStat(line: string): ProcessTicks | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // Fields after comm start at field 3 (state); proc(5) numbers utime 14, stime 15, cutime 16, cstime 17, starttime 22.
  const f = line.slice(close + 2).trim().split(/\s+/);
  const field = (n: number) => Number(f[n - 3]);
  const parsed = { pid: Number(line.slice(0, open).trim()), comm: line.slice(open + 1, close), ppid: field(4), ticks: field(14) + field(15), childTicks: field(16) + field(17), startTicks: field(22) };
  return Number.isFinite(parsed.ticks) && Number.isFinite(parsed.startTicks) ? parsed : undefined;
}

export interface MachineTicks {
  /** user + nice + system + irq + softirq (guest time is already inside user and nice). */
  busy: number;
  idle: number;
  /** Time the hypervisor ran something else while this VM wanted the CPU. */
  steal: number;
  total: number;
}

/** The aggregate `cpu ` line of /proc/stat. */
export function parseMachineStat(procStat: string): MachineTicks {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate "cpu " line');
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, idle: idle + iowait, steal, total: busy + idle + iowait + steal };
}

/** Which platform process a Postgres child is, from its title ("postgres: 15/main: postgres kuruma_bench 127.0.0.1(5432) idle"). */
export function postgresRole(cmdline: string, database: string): 'own-backend' | 'other-backend' | 'auxiliary' {
  const title = cmdline.replace(/\0/g, ' ').trim();
  const backend = /^postgres: [^:]+: (\S+) (\S+) (\S+\(\d+\)|\[local\])/.exec(title);
  if (!backend) return 'auxiliary';
  return backend[2] === database ? 'own-backend' : 'other-backend';
}

/**
 * The inodes of the sockets listening on `port` in a /proc/net/tcp or tcp6 table (proc(5): the
 * local address is hex `ADDR:PORT`, state 0A is LISTEN, the inode is the tenth column).
 */
export function listeningInodes(netTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of netTcp.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (!local || f[3] !== '0A') continue;
    if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && f[9]) inodes.push(f[9]);
  }
  return inodes;
}

/**
 * The bench's own descendants, less the platform's processes and their subtrees. The bench
 * starts the stack when it is down, so Kafka and Mosquitto can be its children: counted as load
 * generator, a first run on a fresh machine reported Kafka's CPU (about 2.4 s of a 10 s FNOL
 * window) outside the platform figure.
 */
export function loadGeneratorPids(self: number, children: Map<number, number[]>, platform: ReadonlySet<number>): number[] {
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (platform.has(child)) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(self);
  return out;
}
