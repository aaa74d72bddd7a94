import { describe, expect, it } from 'vitest';
import { selectedStages, STAGES } from './stage-selection';

describe(selectedStages.name, () => {
  it('runs every stage without --only', () => {
    expect([...selectedStages([])]).toEqual([...STAGES]);
  });

  it('runs only the stages --only names', () => {
    expect([...selectedStages(['--only', 'sustained,fnol'])].sort()).toEqual(['fnol', 'sustained']);
  });

  it('refuses an unknown or empty stage list rather than measuring nothing', () => {
    expect(() => selectedStages(['--only', 'engine,warp'])).toThrow(/--only takes a comma-separated list of engine, ceilings/);
    expect(() => selectedStages(['--only'])).toThrow(/got ""/);
  });
});
