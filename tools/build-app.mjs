// Bundles one app (or all) with esbuild into dist/apps/<name>/main.js. Workspace libraries are
// inlined through the tsconfig path aliases; npm packages stay external and load from node_modules.
// `--tools`: the one-shot tasks a container image runs instead (dist/tools/migrate.js, kafka-topics.js).
import { build } from 'esbuild';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})].flatMap((d) => [d, `${d}/*`]);
const dist = resolve(root, process.env.KURUMA_DIST_DIR ?? 'dist');
const IMAGE_TOOLS = ['migrate', 'kafka-topics'];
const tools = process.argv[2] === '--tools';
const apps = tools ? [] : process.argv[2] ? [process.argv[2]] : readdirSync(resolve(root, 'apps'));
const bundle = (entry, outfile) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  tsconfig: resolve(root, 'tsconfig.base.json'),
  external,
  logLevel: 'warning',
  loader: { '.json': 'json' },
});

for (const tool of tools ? IMAGE_TOOLS : []) {
  await build(bundle(resolve(root, 'tools', `${tool}.ts`), resolve(dist, 'tools', `${tool}.js`)));
  console.log(`built tools/${tool}`);
}

for (const app of apps) {
  const started = Date.now();
  await build(bundle(resolve(root, 'apps', app, 'src/main.ts'), resolve(dist, 'apps', app, 'main.js')));
  // Browser files (the ops console's page, script and styles) travel next to the bundle.
  const web = resolve(root, 'apps', app, 'web');
  if (existsSync(web)) cpSync(web, resolve(dist, 'apps', app, 'web'), { recursive: true });
  console.log(`built ${app} in ${Date.now() - started} ms`);
}
