import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `kuruma/harness-boundaries`: the layering of the code outside the Nx projects, which the Nx rule
 * cannot see. tools/harness is shared by the tests, the bench and the chaos run; it imports neither
 * tools/ nor test/, and neither of those imports the other, so no cycle can form between them.
 * infra/local sits below the harness: only its integration specs may use the harness.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The layer a repository-relative path belongs to, or undefined outside these four. */
function layerOf(path) {
  const [top, second] = path.split(sep);
  if (top === 'tools') return second === 'harness' ? 'harness' : 'tools';
  if (top === 'test') return 'test';
  if (top === 'infra') return 'infra';
  return undefined;
}

const FORBIDDEN = {
  harness: { tools: 'tools/harness is shared by tools/ and test/ and imports neither', test: 'tools/harness is shared by tools/ and test/ and imports neither' },
  tools: { test: 'tools/ shares code with the tests through tools/harness, not by importing test/' },
  test: { tools: 'tests share code with the tools through tools/harness only' },
  infra: {
    test: 'infra/ shares code with the tests through tools/harness, not by importing test/',
    tools: 'infra/ may use tools/harness (in its specs), not the rest of tools/',
  },
};

/** The module named by an import-like node, when it is a string literal. */
function specifierOf(node) {
  if (node.type === 'TSImportType') {
    const arg = node.argument;
    const literal = arg?.type === 'TSLiteralType' ? arg.literal : arg;
    return typeof literal?.value === 'string' ? literal.value : undefined;
  }
  return typeof node.source?.value === 'string' ? node.source.value : undefined;
}

export const harnessBoundaries = {
  meta: { type: 'problem', schema: [], messages: { forbidden: '{{why}} ({{from}} -> {{to}}).' } },
  create(context) {
    const file = relative(root, context.filename);
    const from = layerOf(file);
    if (!from) return {};
    const isInfraSpec = from === 'infra' && /\.(int-)?spec\.ts$/.test(file);
    const check = (node) => {
      const spec = specifierOf(node);
      if (!spec || !spec.startsWith('.')) return;
      const target = relative(root, resolve(dirname(context.filename), spec));
      const to = layerOf(target);
      if (!to || to === from) return;
      const why = from === 'infra' && to === 'harness' && !isInfraSpec ? 'tools/harness imports infra/local, so infra/ outside its specs may not import the harness' : FORBIDDEN[from]?.[to];
      if (why) context.report({ node, messageId: 'forbidden', data: { why, from: file, to: target } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
      TSImportType: check,
    };
  },
};

export const kurumaLintPlugin = { rules: { 'harness-boundaries': harnessBoundaries } };
