/**
 * Offline validation of rendered manifests, as kubeconform would do online:
 * - core kinds against the Kubernetes OpenAPI schemas that kubernetes-models (5.1.0) compiles
 *   into validators (types, required fields, enums, formats); unknown fields are caught earlier, by
 *   the TypeScript types the generator builds them with;
 * - custom resources against the CRDs' openAPIV3Schema, vendored under infra/k8s/schemas (index.json
 *   names each one's repository, tag, commit and path), made strict the way kubeconform's strict
 *   mode is: an object that declares its properties and does not preserve unknown fields refuses
 *   others.
 * ESM-only (kubernetes-models): imported by the specs, which vitest runs as ESM.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { Manifest } from './kafka-cluster';

type CoreModel = new (data: never) => { validate(): void };
const CORE: Record<string, CoreModel> = {
  'v1/Namespace': Namespace as unknown as CoreModel,
  'v1/Service': Service as unknown as CoreModel,
  'v1/ServiceAccount': ServiceAccount as unknown as CoreModel,
  'apps/v1/Deployment': Deployment as unknown as CoreModel,
  'apps/v1/StatefulSet': StatefulSet as unknown as CoreModel,
  'batch/v1/Job': Job as unknown as CoreModel,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as CoreModel,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as CoreModel,
};

export interface VendoredSchema {
  file: string;
  apiVersion: string;
  kind: string;
  repository: string;
  tag: string;
  commit: string;
  path: string;
}

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: unknown; 'x-kubernetes-preserve-unknown-fields'?: boolean; [k: string]: unknown };

/** kubeconform's strict mode: declared properties only, where the CRD does not preserve unknown fields. */
export function strict(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, strict(v)]));
    if (out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  }
  if (out.items) out.items = strict(out.items);
  if (out.additionalProperties && typeof out.additionalProperties === 'object') out.additionalProperties = strict(out.additionalProperties as Schema);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(out[key])) out[key] = (out[key] as Schema[]).map(strict);
  return out;
}

/**
 * CRD patterns are Go (RE2) expressions: an inline `(?i)` is a flag there (the CRDs put it right
 * after `^`), a syntax error in JavaScript. It becomes the flag of the whole expression.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    let inline = '';
    const source = pattern.replace(/\(\?([ims]+)\)/g, (_, f: string) => ((inline += f), ''));
    return new RegExp(source, flags + [...new Set(inline)].join(''));
  },
  { code: 'goRegExp' },
);

export class ManifestValidator {
  private readonly crds = new Map<string, ValidateFunction>();

  constructor(schemaDir: string) {
    // CRD schemas carry Kubernetes' x-kubernetes-* keywords and formats (int32, int-or-string...)
    // that JSON Schema does not define: keywords are allowed, formats not checked.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });
    const index = JSON.parse(readFileSync(join(schemaDir, 'index.json'), 'utf8')) as VendoredSchema[];
    for (const entry of index) {
      const schema = strict(JSON.parse(readFileSync(join(schemaDir, entry.file), 'utf8')) as Schema);
      // metadata is `type: object` in a CRD; the API server checks it like any object's.
      this.crds.set(`${entry.apiVersion}/${entry.kind}`, ajv.compile(schema));
    }
  }

  /** The kinds this validator knows (the rest would pass unchecked, which the spec forbids). */
  knows(manifest: Manifest): boolean {
    const key = `${manifest.apiVersion}/${manifest.kind}`;
    return key in CORE || this.crds.has(key);
  }

  /** Problems of one manifest, empty when it is valid. */
  problems(manifest: Manifest): string[] {
    const key = `${manifest.apiVersion}/${manifest.kind}`;
    const core = CORE[key];
    if (core) {
      try {
        new core(manifest as never).validate();
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    }
    const crd = this.crds.get(key);
    if (!crd) return [`no schema for ${key}`];
    return crd(manifest) ? [] : (crd.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}
