import { describe, expect, it } from 'vitest';
import { exposureFactor } from './exposure';
import { tariffs } from './tariff-registry';

describe(exposureFactor.name, () => {
  for (const tariff of tariffs.all()) {
    it(`prices every further 15-minute step up to the product maximum (${tariff.data.id})`, () => {
      const e = tariff.data.exposure;
      // Policies never cover past the maximum (issue #17): within it, no billed step is free.
      for (let m = e.minimumMinutes; m + e.stepMinutes <= e.maximumMinutes; m += e.stepMinutes) {
        expect(exposureFactor(m + e.stepMinutes, e)).toBeGreaterThan(exposureFactor(m, e));
      }
    });
  }
});
