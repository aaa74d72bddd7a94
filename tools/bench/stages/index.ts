import type { BenchRun, PlatformRun } from '../bench-run';
import type { Stage } from '../stage-selection';
import { bindStage } from './bind';
import { ceilingsStage } from './ceilings';
import { engineStage } from './engine';
import { fnolStage } from './fnol';
import { quotesStage } from './quotes';
import { sustainedStage } from './sustained';
import { telemetryStage } from './telemetry';

/** Stages that measure the machine or the engine alone, before the services start. */
export const STANDALONE_STAGES: Partial<Record<Stage, (run: BenchRun) => Promise<void>>> = { engine: engineStage, ceilings: ceilingsStage };

/** Stages that measure the running services, in the order they run. */
export const PLATFORM_STAGES: Partial<Record<Stage, (run: PlatformRun) => Promise<void>>> = {
  quotes: quotesStage,
  bind: bindStage,
  sustained: sustainedStage,
  fnol: fnolStage,
  telemetry: telemetryStage,
};
