import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { PlatformConfig } from '../platform/platform-config';
import { SERVICE_CONFIG, SERVICE_KIT } from '../platform/tokens';
import type { ServiceKit } from '../service-kit.module';

/**
 * With a collector configured (OTLP_TRACES_URL, from OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT), loads
 * the OpenTelemetry SDK and makes every hop a span; the ordered drain flushes the last batch after
 * the consumers and the relay have stopped. Without one, the SDK module is never evaluated.
 */
@Injectable()
export class OtlpSpanExport implements OnModuleInit {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PlatformConfig,
    @Inject(SERVICE_KIT) private readonly kit: ServiceKit,
  ) {}

  async onModuleInit(): Promise<void> {
    const url = this.config.OTLP_TRACES_URL;
    if (!url) return;
    const { startOtlpSpanRecorder } = await import('./otlp-span-recorder');
    const recorder = startOtlpSpanRecorder(this.kit.name, url);
    this.kit.tracing.recordSpans(recorder);
    this.kit.shutdown.register('otlp-spans', () => recorder.shutdown(), 'clients');
    this.kit.logger.info({ url }, 'exporting a span per hop over OTLP');
  }
}
