import { type DynamicModule, Module } from '@nestjs/common';
import { PartnerRepository, SqlDatabase } from '@kuruma/data-access-db';
import { SERVICE_CONFIG } from '../platform/tokens';
import { PageCursors } from '../http/page-cursor';
import { PartnerAuthenticator, partnerAuthOptions } from './partner-authenticator';

/** The partner repository, the API-key authenticator (with the per-partner rate limit) and the page cursors of a partner-facing API. */
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
      // The partner lists' cursors, bound to the partner that got them.
      { provide: PageCursors, inject: [SERVICE_CONFIG], useFactory: (config: { API_CURSOR_KEY: string }) => new PageCursors(config.API_CURSOR_KEY) },
    ];
    return { module: PartnerAuthModule, global: true, providers, exports: [PartnerRepository, PartnerAuthenticator, PageCursors] };
  }
}
