import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { SERVICE_ENV, SERVICE_NODE_ARGS, serviceNodeArgs } from '../local/service-runtime';
import { CLAIMS_TRIGGER_OPS_PORT, CONTAINER_PORT, DEPLOYED_SERVICES, deployedService } from '../deploy/services';
import { composeFile, dockerfile, documentedVariables, envExample, interpolate, readRepoFile, REPO_ROOT, runtimeStage, stageEnv } from '../deploy/deploy-files';

const APPS = readdirSync(resolve(REPO_ROOT, 'apps')).sort();
const LOOPBACK = /(^|[/@])(127\.0\.0\.1|localhost)([:/]|$)/;
/** Addresses handed to devices, which reach the broker through the ports published on the host. */
const DEVICE_FACING = new Set(['MQTT_PUBLIC_URL', 'MQTT_PUBLIC_X509_URL']);

describe('Dockerfile', () => {
  const sut = dockerfile();
  const runtime = runtimeStage();
  const runScript = readRepoFile('infra/container/run.sh');

  it("passes the Dockerfile linter (dockerfile-utils, the VS Code Docker extension's) with every optional rule on", () => {
    const every = ValidationSeverity.WARNING;
    const settings = {
      deprecatedMaintainer: every,
      directiveCasing: every,
      emptyContinuationLine: every,
      instructionCasing: every,
      instructionCmdMultiple: every,
      instructionEntrypointMultiple: every,
      instructionHealthcheckMultiple: every,
      instructionJSONInSingleQuotes: every,
      instructionWorkdirRelative: every,
    };
    expect(validate(readRepoFile('Dockerfile'), settings).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // The linter is not vacuous: a Dockerfile with two health checks and a relative WORKDIR fails it.
    expect(validate('FROM node:20\nWORKDIR app\nHEALTHCHECK CMD true\nHEALTHCHECK CMD false\n', settings).length).toBe(2);
  });

  it('builds every stage from one node:20 bookworm-slim base pinned by digest', () => {
    expect(sut.args.get('NODE_IMAGE')).toMatch(/^node:20-bookworm-slim@sha256:[0-9a-f]{64}$/);
    for (const stage of sut.stages) expect(stage.from).toBe('${NODE_IMAGE}');
  });

  it('runs the services as a user that is not root', () => {
    const users = runtime.instructions.filter(([i]) => i === 'USER').map(([, user]) => user);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('ships only production dependencies and the bundles, not the workspace', () => {
    const copies = runtime.instructions.filter(([i]) => i === 'COPY').map(([, args]) => args);
    const modules = copies.find((c) => c.endsWith(' node_modules'));
    const from = /--from=(\S+)/.exec(modules ?? '')?.[1];
    const installs = sut.stages.find((s) => s.name === from)?.instructions.filter(([i]) => i === 'RUN').map(([, run]) => run) ?? [];
    expect(installs.some((run) => /npm ci .*--omit=dev.*&& node \/tmp\/prune-dev-optional\.mjs/.test(run))).toBe(true);
    const fromBuild = copies.filter((c) => c.includes('--from=build')).map((c) => c.split(' ')[1]);
    expect(fromBuild.every((path) => path.startsWith('/src/dist/'))).toBe(true);
  });

  it('starts each service as npm start does, chosen by the first argument', () => {
    const nodeArgs = /NODE_ARGS="([^"]*)"/.exec(runScript)?.[1].split(' ');
    expect(nodeArgs).toEqual(SERVICE_NODE_ARGS);
    expect(/OPS_CONSOLE_NODE_ARGS="([^"]*)"/.exec(runScript)?.[1].split(' ')).toEqual(serviceNodeArgs('ops-console'));
    expect(serviceNodeArgs('ops-console')).not.toEqual(SERVICE_NODE_ARGS);
    const env = stageEnv(runtime);
    for (const [key, value] of Object.entries(SERVICE_ENV)) expect(env.get(key)).toBe(value);
    const listed = /^\s*([a-z|-]+)\)\s*$/m.exec(runScript)?.[1].split('|').sort();
    expect(listed).toEqual(APPS);
    expect(DEPLOYED_SERVICES.map((s) => s.name).sort()).toEqual(APPS);
    expect(runtime.instructions).toContainEqual(['ENTRYPOINT', '["/usr/local/bin/kuruma"]']);
  });

  it('has the one-shot tasks the entrypoint offers', () => {
    const tasks = /^\s*([a-z|-]+)\)\s*$/gm;
    const all = [...runScript.matchAll(tasks)].map((m) => m[1].split('|'));
    for (const task of all[1]) expect(existsSync(resolve(REPO_ROOT, 'tools', `${task}.ts`))).toBe(true);
    expect(readRepoFile('tools/build-app.mjs')).toContain(`IMAGE_TOOLS = [${all[1].map((t) => `'${t}'`).join(', ')}]`);
  });

  it('listens on one container port and checks /health/live there', () => {
    const env = stageEnv(runtime);
    expect(Number(env.get('PORT'))).toBe(CONTAINER_PORT);
    expect(env.get('HOST')).toBe('0.0.0.0');
    expect(runtime.instructions).toContainEqual(['EXPOSE', String(CONTAINER_PORT)]);
    const check = runtime.instructions.find(([i]) => i === 'HEALTHCHECK')?.[1] ?? '';
    expect(check).toContain("'http://127.0.0.1:'+process.env.PORT+'/health/live'");
  });
});

describe('docker-compose.yml, services profile', () => {
  const sut = composeFile();
  const example = envExample();
  const image = stageEnv(runtimeStage());
  /** What the service's process sees: the image's ENV, then compose's environment with .env = .env.example. */
  const environmentOf = (name: string): NodeJS.ProcessEnv => ({
    ...Object.fromEntries(image),
    ...Object.fromEntries(Object.entries(sut.services[name].environment ?? {}).map(([k, v]) => [k, interpolate(String(v ?? ''), example)])),
  });

  it('runs every service from the project image, after the migrations and the topics', () => {
    for (const name of [...APPS, 'migrate', 'kafka-topics']) {
      expect(sut.services[name]?.profiles).toEqual(['services']);
      expect(sut.services[name]?.build).toBe('.');
    }
    for (const name of APPS) {
      expect(sut.services[name].command).toEqual([name]);
      expect(sut.services[name].depends_on?.['migrate']).toEqual({ condition: 'service_completed_successfully' });
      expect(sut.services[name].depends_on?.['kafka-topics']).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(sut.services['migrate'].command).toEqual(['migrate']);
    expect(sut.services['migrate'].depends_on?.['postgres']).toEqual({ condition: 'service_healthy' });
  });

  it('leaves the infrastructure outside the profile, so `docker compose up` alone is unchanged', () => {
    for (const name of ['kafka', 'postgres', 'redis', 'mosquitto']) expect(sut.services[name].profiles).toBeUndefined();
  });

  it('sets only variables .env.example documents', () => {
    const documented = documentedVariables();
    for (const name of [...APPS, 'migrate', 'kafka-topics']) {
      for (const variable of Object.keys(sut.services[name].environment ?? {})) expect({ service: name, variable, documented: documented.has(variable) }).toEqual({ service: name, variable, documented: true });
    }
  });

  it.each(DEPLOYED_SERVICES.map((s) => [s.name, s] as const))("gives %s a configuration its own loader accepts, reaching the other containers, not its own loopback", (name, service) => {
    const config = service.loadConfig(environmentOf(name));
    const local = Object.entries(config).flatMap(([key, value]) => [value].flat().filter((v) => typeof v === 'string' && LOOPBACK.test(v) && !DEVICE_FACING.has(key)).map((v) => `${key}=${String(v)}`));
    expect(local).toEqual([]);
    expect(config['HOST']).toBe('0.0.0.0');
  });

  it.each(DEPLOYED_SERVICES.map((s) => [s.name, s] as const))('publishes %s on its .env.example port, forwarded to the port it listens on', (name, service) => {
    const config = service.loadConfig(environmentOf(name));
    const ports = (sut.services[name].ports ?? []).map((p) => interpolate(p, example));
    expect(ports).toEqual([`127.0.0.1:${example.get(service.hostPortVariable)}:${config.PORT}`]);
  });

  it("sends the console's claim actions to claims-trigger's internal listener, which is not published", () => {
    const claims = deployedService('claims-trigger').loadConfig(environmentOf('claims-trigger'));
    const opsConsole = deployedService('ops-console').loadConfig(environmentOf('ops-console'));
    expect(claims['CLAIMS_TRIGGER_OPS_PORT']).toBe(CLAIMS_TRIGGER_OPS_PORT);
    expect(opsConsole['CLAIMS_TRIGGER_OPS_URL']).toBe(`http://claims-trigger:${CLAIMS_TRIGGER_OPS_PORT}`);
    expect(opsConsole['OPS_SERVICE_TOKEN']).toBe(claims['OPS_SERVICE_TOKEN']);
    expect(opsConsole['OPS_IDENTITY_KEY']).toBe(claims['OPS_IDENTITY_KEY']);
    expect(sut.services['claims-trigger'].ports?.join()).not.toContain(String(CLAIMS_TRIGGER_OPS_PORT));
  });

  it('reaches Kafka on the listener the broker advertises to the compose network', () => {
    const kafka = sut.services['kafka'].environment ?? {};
    const advertised = String(kafka['KAFKA_ADVERTISED_LISTENERS']).split(',').map((l) => l.replace(/^\w+:\/\//, ''));
    for (const name of APPS) expect(advertised).toContain(environmentOf(name)['KAFKA_BROKERS']);
  });
});
