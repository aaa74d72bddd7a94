import { type DynamicModule, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { SqlDatabase, TariffChangeListener, TariffVersionRepository } from '@kuruma/data-access-db';
import { governedTariffSet, type TariffRegistry, tariffs } from '@kuruma/domain-rating';
import type { ServiceKit } from '../service-kit.module';
import type { PlatformConfig } from './platform-config';
import { SERVICE_CONFIG, SERVICE_KIT } from './tokens';

/**
 * A full reload as a safety net besides LISTEN/NOTIFY (a notification lost with its connection is
 * also caught by the reload after every reconnection). A minute is an assumption: a version is
 * scheduled ahead of its instant, so a minute's delay never applies the wrong version as long as
 * versions are scheduled more than a minute ahead (docs/pricing.md, Tariff governance).
 */
const RELOAD_EVERY_MS = 60_000;

/**
 * Keeps the process's tariff registry equal to the governed store: every approved version, the
 * scheduled ones on the timeline. Loaded at start, on every `tariff_versions` notification and
 * every minute; a failed load keeps the last loaded set (pricing goes on pricing while Postgres is
 * away). The registry is replaced in one assignment, so the hot path never waits for the database.
 */
@Injectable()
export class GovernedTariffs implements OnApplicationBootstrap {
  private loading: Promise<void> | undefined;
  private again = false;
  private loadedOnce = false;
  private loadedVersions = '';
  private readonly listener: TariffChangeListener;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: TariffVersionRepository,
    private readonly kit: ServiceKit,
    databaseUrl: string,
    private readonly registry: TariffRegistry = tariffs,
  ) {
    this.listener = new TariffChangeListener({
      url: databaseUrl,
      applicationName: `${kit.name}-tariffs`,
      onChange: () => void this.reload(),
      onError: (error) => kit.logger.warn({ err: error.message }, 'tariff change listener lost its connection; reloading after reconnect'),
    });
    kit.health.register({
      name: 'tariffs',
      // Ready once the governed set has been read; after that an outage keeps the last set.
      check: async () => {
        if (!this.loadedOnce) throw new Error('tariff versions not loaded from Postgres yet');
      },
    });
    kit.shutdown.register('tariff-listener', () => this.stop(), 'clients');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reload();
    await this.listener.start();
    this.timer = setInterval(() => void this.reload(), RELOAD_EVERY_MS);
    this.timer.unref();
  }

  /** Loads the governed set now; concurrent calls coalesce into one more load after the running one. */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    try {
      const set = governedTariffSet(await this.store.approved());
      for (const r of set.refused) this.kit.logger.error({ version: r.version, reason: r.reason }, 'stored tariff version refused');
      if (set.timeline.length === 0) {
        this.kit.logger.warn('no scheduled tariff version in Postgres (run `npm run db:seed -- --tariffs`); pricing with the bundled files');
      } else {
        this.registry.replace(set.timeline, set.resolvableOnly);
      }
      this.loadedOnce = true;
      const timeline = this.registry.timeline().map((t) => `${t.version}@${t.effectiveFrom.toISOString()}`).join(' ');
      if (timeline !== this.loadedVersions) {
        this.loadedVersions = timeline;
        this.kit.logger.info({ inForce: this.registry.inForceAt(this.kit.clock.now())?.version, timeline }, 'tariff versions loaded');
      }
    } catch (error) {
      this.kit.logger.warn({ err: (error as Error).message }, 'tariff versions not reloaded; keeping the last loaded set');
    }
  }

  private async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.listener.stop();
  }
}

/** `GovernedTariffsModule.forRoot()`: the process prices and endorses with the governed tariff versions. */
@Module({})
export class GovernedTariffsModule {
  static forRoot(): DynamicModule {
    return {
      module: GovernedTariffsModule,
      providers: [
        {
          provide: GovernedTariffs,
          inject: [SqlDatabase, SERVICE_KIT, SERVICE_CONFIG],
          useFactory: (sql: SqlDatabase, kit: ServiceKit, config: PlatformConfig) => new GovernedTariffs(new TariffVersionRepository(sql), kit, config.DATABASE_URL),
        },
      ],
      exports: [GovernedTariffs],
    };
  }
}
