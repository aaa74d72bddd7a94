import { describe, expect, it } from 'vitest';
import { parseGaugeMb, parseSmapsRollup } from './memory';

// A service's /proc/<pid>/smaps_rollup as Linux 6.1 writes it (ops-console after a bench).
const ROLLUP = `55d0c4a00000-7ffd1b3f2000 ---p 00000000 00:00 0                          [rollup]
Rss:              160768 kB
Pss:              158210 kB
Pss_Dirty:        110180 kB
Pss_Anon:         110180 kB
Pss_File:          48030 kB
Pss_Shmem:             0 kB
Shared_Clean:       3072 kB
Shared_Dirty:          0 kB
Private_Clean:     47516 kB
Private_Dirty:    110180 kB
Referenced:       160768 kB
Anonymous:        110180 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
`;

describe('a service memory split', () => {
  it('splits the resident set into anonymous and file-backed pages, in MB', () => {
    expect(parseSmapsRollup(ROLLUP)).toEqual({ rss: 157, anon: 108, file: 49 });
  });

  it('refuses a file without the two lines rather than reporting zeros', () => {
    expect(() => parseSmapsRollup('Pss: 12 kB\n')).toThrow(/Rss or Anonymous/);
  });

  it('reads a gauge without labels and skips its help, type and longer-named neighbours', () => {
    const text = [
      '# HELP nodejs_heap_size_total_bytes Process heap size from Node.js in bytes.',
      '# TYPE nodejs_heap_size_total_bytes gauge',
      'nodejs_heap_size_total_bytes_other 1',
      'nodejs_heap_size_total_bytes 85983232',
      'nodejs_external_memory_bytes 4194304',
    ].join('\n');
    expect(parseGaugeMb(text, 'nodejs_heap_size_total_bytes')).toBe(82);
    expect(parseGaugeMb(text, 'nodejs_external_memory_bytes')).toBe(4);
    expect(parseGaugeMb(text, 'nodejs_heap_size_used_bytes')).toBeUndefined();
  });
});
