import { type DynamicModule, Module } from '@nestjs/common';
import { PartnerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { SERVICE_CONFIG } from '../platform/tokens';
import { PartnerAuthenticator, partnerAuthOptions } from './partner-authenticator';

/** The partner repository and the API-key authenticator (with the per-partner rate limit) for a partner-facing API. */
@Module({})
export class PartnerAuthModule {
  static forRoot(): DynamicModule {
    const providers = [
      // On the node-postgres pool every partner-facing service opens (DatabaseModule).
      { provide: PartnerRepository, inject: [SqlDatabase], useFactory: (sql: SqlDatabase) => new PartnerRepository(sql) },
      {
        provide: PartnerAuthenticator,
        inject: [PartnerRepository, SERVICE_CONFIG],
        useFactory: (partners: PartnerRepository, config: { PARTNER_RATE_LIMIT_PER_S: number; PARTNER_RATE_LIMIT_BURST: number }) => new PartnerAuthenticator(partners, partnerAuthOptions(config)),
      },
    ];
    return { module: PartnerAuthModule, global: true, providers, exports: [PartnerRepository, PartnerAuthenticator] };
  }
}
