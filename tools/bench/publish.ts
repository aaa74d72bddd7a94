import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAfterTable, cpuBreakdownTable, hopTable, medianTable, rewriteSection, runToRunTable } from './report';
import type { BenchResults } from './results';

const docsFile = (root: string) => resolve(root, 'docs/benchmarks.md');

/** Rewrites the generated sections of docs/benchmarks.md from a set of full runs (median of them). */
export function publishRuns(root: string, runs: BenchResults[]): string {
  const file = docsFile(root);
  let doc = readFileSync(file, 'utf8');
  doc = rewriteSection(doc, 'table', medianTable(runs));
  doc = rewriteSection(doc, 'runs', runToRunTable(runs));
  doc = rewriteSection(doc, 'cpu', cpuBreakdownTable(runs));
  doc = rewriteSection(doc, 'hops', hopTable(runs));
  writeFileSync(file, doc);
  return file;
}

/** Rewrites the before-and-after section from two sets of result files. */
export function publishBeforeAfter(root: string, before: BenchResults[], after: BenchResults[]): string {
  const file = docsFile(root);
  writeFileSync(file, rewriteSection(readFileSync(file, 'utf8'), 'before-after', beforeAfterTable(before, after)));
  return file;
}

export const readResults = (files: string[]): BenchResults[] => files.map((f) => JSON.parse(readFileSync(resolve(f), 'utf8')) as BenchResults);
