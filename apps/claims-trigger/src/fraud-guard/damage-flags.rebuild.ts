import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ClaimsRepository, type Database } from '@kuruma/data-access-db';
import { DATABASE } from '@kuruma/service-kit';
import { DamageFlags } from './damage-flags';

/** Redis keeps no flags on disk: they are set again from the open damage claims before any signal or claim action is applied. */
@Injectable()
export class DamageFlagsRebuild implements OnApplicationBootstrap {
  constructor(
    @Inject(DamageFlags) private readonly flags: DamageFlags,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.flags.rebuild(await new ClaimsRepository().vehiclesWithOpenDamage(this.db));
  }
}
