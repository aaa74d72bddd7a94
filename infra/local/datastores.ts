import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { waitUntil } from './process-utils';

/** Postgres and Redis are reused when reachable; started locally only when they are not. */
export async function postgresReachable(url: string): Promise<boolean> {
  const target = new URL(url);
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString(), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function redisReachable(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1_500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function pgBin(tool: string): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', tool))) return join(base, v, 'bin', tool);
  return null;
}

/** Tries the machine's own cluster first, then a project-owned one in the state dir. */
export async function startPostgres(url: string, stateDir: string, say: (msg: string) => void): Promise<'system' | 'local'> {
  const clusters = spawnSync('sh', ['-c', 'ls /etc/postgresql 2>/dev/null'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  if (clusters.length) {
    const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', clusters[0], 'main', 'start'], { encoding: 'utf8' });
    if (r.status === 0 || /already running/.test(r.stderr)) {
      await waitUntil('Postgres', () => postgresReachable(url), 30_000, say);
      return 'system';
    }
  }
  const initdb = pgBin('initdb');
  const pgCtl = pgBin('pg_ctl');
  if (!initdb || !pgCtl) {
    throw new Error(`Postgres is not reachable at ${url} and no PostgreSQL server is installed: apt-get install postgresql, or set DATABASE_URL`);
  }
  const dataDir = join(stateDir, 'postgres');
  const port = new URL(url).port || '5432';
  const asPostgres = (cmd: string[]) => (process.getuid?.() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', ...cmd], { encoding: 'utf8' }) : spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' }));
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true });
    if (process.getuid?.() === 0) spawnSync('chown', ['-R', 'postgres:postgres', dataDir]);
    const r = asPostgres([initdb, '-D', dataDir, '-U', 'postgres', '--auth=trust']);
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`);
  }
  const r = asPostgres([pgCtl, '-D', dataDir, '-o', `-p ${port} -k /tmp`, '-l', join(dataDir, 'server.log'), 'start']);
  if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stderr}`);
  await waitUntil('Postgres', () => postgresReachable(url), 30_000, say);
  return 'local';
}

export async function startRedis(url: string, say: (msg: string) => void): Promise<void> {
  const port = new URL(url).port || '6379';
  const r = spawnSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', port, '--save', '', '--appendonly', 'no'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`Redis is not reachable at ${url} and redis-server could not start: apt-get install redis-server, or set REDIS_URL`);
  await waitUntil('Redis', () => redisReachable(url), 15_000, say);
}

export async function stopLocalPostgres(stateDir: string): Promise<void> {
  const pgCtl = pgBin('pg_ctl');
  const dataDir = join(stateDir, 'postgres');
  if (!pgCtl || !existsSync(join(dataDir, 'postmaster.pid'))) return;
  const cmd = [pgCtl, '-D', dataDir, 'stop', '-m', 'fast'];
  if (process.getuid?.() === 0) spawnSync('runuser', ['-u', 'postgres', '--', ...cmd]);
  else spawnSync(cmd[0], cmd.slice(1));
}

export async function stopRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await redis.connect().catch(() => undefined);
  await redis.shutdown?.('NOSAVE').catch(() => undefined);
  redis.disconnect();
}
