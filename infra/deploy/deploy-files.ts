/**
 * Readers of the deployment files the specs check: .env.example, docker-compose.yml (with compose's
 * `${VAR:-default}` interpolation) and the Dockerfile (instructions per stage).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';

export const REPO_ROOT = resolve(__dirname, '../..');
export const readRepoFile = (path: string): string => readFileSync(resolve(REPO_ROOT, path), 'utf8');

/** .env.example as variable -> value, inline comments dropped (commented-out variables excluded). */
export function envExample(): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readRepoFile('.env.example').split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(\S*)/.exec(line);
    if (match) vars.set(match[1], match[2]);
  }
  return vars;
}

/** Every variable .env.example documents, set or shown commented out (`# KAFKA_USERNAME=...`). */
export function documentedVariables(): Set<string> {
  return new Set([...readRepoFile('.env.example').matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

/** Compose's variable substitution: `${VAR}`, `${VAR:-default}` and `$$`. */
export function interpolate(value: string, vars: ReadonlyMap<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const set = vars.get(name as string);
    return set !== undefined && set !== '' ? set : (fallback ?? '');
  });
}

export interface ComposeService {
  image?: string;
  build?: string;
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string | number | null>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { disable?: boolean };
}

/** docker-compose.yml with its `<<` merge keys resolved, as docker compose reads it. */
export function composeFile(): { services: Record<string, ComposeService> } {
  return YAML.parse(readRepoFile('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
}

export interface DockerStage {
  from: string;
  name?: string;
  /** [instruction, arguments] with line continuations joined. */
  instructions: [string, string][];
}

/** The Dockerfile's global ARGs and its stages. */
export function dockerfile(path = 'Dockerfile'): { args: Map<string, string>; stages: DockerStage[] } {
  const logical = readRepoFile(path)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [, instruction, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    const upper = instruction.toUpperCase();
    if (upper === 'FROM') {
      const [from, as, name] = rest.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [key, value] = rest.split('=');
      args.set(key, value ?? '');
    } else stages.at(-1)?.instructions.push([upper, rest.replace(/\s+/g, ' ')]);
  }
  return { args, stages };
}

/** The stage the image runs (the Dockerfile's last). */
export function runtimeStage(): DockerStage {
  return found(dockerfile().stages.at(-1), 'a stage in the Dockerfile');
}

/** `value`, or a failure naming what was missing (specs, instead of non-null assertions). */
export function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`not found: ${what}`);
  return value;
}

/** `ENV A=1 B=2` of a stage as a map. */
export function stageEnv(stage: DockerStage): Map<string, string> {
  const env = new Map<string, string>();
  for (const [instruction, rest] of stage.instructions) {
    if (instruction !== 'ENV') continue;
    for (const pair of rest.split(' ')) {
      const [key, value] = pair.split('=');
      env.set(key, value);
    }
  }
  return env;
}
