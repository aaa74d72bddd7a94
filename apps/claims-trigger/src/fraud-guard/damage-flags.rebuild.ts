import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ClaimsRepository, SqlDatabase } from '@kuruma/data-access-db';
import { DamageFlags } from './damage-flags';

/** Redis keeps no flags on disk: they are set again from the open damage claims before any signal or claim action is applied. */
@Injectable()
export class DamageFlagsRebuild implements OnApplicationBootstrap {
  constructor(
    @Inject(DamageFlags) private readonly flags: DamageFlags,
    @Inject(SqlDatabase) private readonly db: SqlDatabase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.flags.rebuild(await new ClaimsRepository().vehiclesWithOpenDamage(this.db));
  }
}
