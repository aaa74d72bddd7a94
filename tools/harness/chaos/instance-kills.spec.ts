import { describe, expect, it } from 'vitest';
import { instanceNames, killTargets } from './instance-kills';

describe(killTargets.name, () => {
  it('kills the only instance every time when a service runs once (the single-instance run is unchanged)', () => {
    expect([0, 1, 2, 3].map((nth) => killTargets('policy', 1, nth))).toEqual([['policy'], ['policy'], ['policy'], ['policy']]);
  });

  it('with two instances kills the first, then the second, then both, so most kills leave a survivor and some leave none', () => {
    expect([0, 1, 2, 3, 4, 5].map((nth) => killTargets('policy', 2, nth))).toEqual([['policy'], ['policy#2'], ['policy', 'policy#2'], ['policy'], ['policy#2'], ['policy', 'policy#2']]);
  });

  it('names instances as PlatformProcesses and npm start label them', () => {
    expect(instanceNames('claims-trigger', 2)).toEqual(['claims-trigger', 'claims-trigger#2']);
  });
});
