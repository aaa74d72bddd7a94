import type { FiledRelativity } from '@kuruma/domain-calibration';
import { filedRelativities, type Tariff } from '@kuruma/domain-rating';

/** The tariff's filed relativity of a calibration level, or undefined where the tariff does not rate on the variable. */
export function filedRelativityOf(tariff: Tariff): FiledRelativity {
  const filed = filedRelativities(tariff.data);
  return (coverage, variable, level) => {
    if (variable === 'ageBand') return filed.ageBand[level];
    if (variable === 'licence') return filed.licence[level];
    if (variable === 'durationBand') return filed.durationBand[level];
    if (variable === 'valueBand' && coverage === 'vehicle-damage') return filed.valueBand[level];
    return undefined;
  };
}

