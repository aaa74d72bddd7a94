import { createHash } from 'node:crypto';
import type { SqlTx } from '../sql/sql-database';

export interface PartnerRecord {
  id: string;
  name: string;
  webhookSecret: string;
}

const hashApiKey = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex');

/**
 * Partners and their credentials. The API key is stored only as a sha256 hash. Plain SQL over
 * {@link SqlTx}, so a service that needs nothing else of Prisma (pricing, booking-ingest, policy)
 * runs on its node-postgres pool without loading Prisma's query compiler (docs/benchmarks.md,
 * "Quotes and memory"); Prisma's client satisfies SqlTx too (the seed, the security tests).
 */
export class PartnerRepository {
  constructor(private readonly db: SqlTx) {}

  async findByApiKey(apiKey: string): Promise<PartnerRecord | null> {
    const rows = await this.db.$queryRaw<PartnerRecord[]>`SELECT id, name, webhook_secret AS "webhookSecret" FROM partner WHERE api_key_hash = ${hashApiKey(apiKey)}`;
    return rows[0] ?? null;
  }

  async findById(id: string): Promise<PartnerRecord | null> {
    const rows = await this.db.$queryRaw<PartnerRecord[]>`SELECT id, name, webhook_secret AS "webhookSecret" FROM partner WHERE id = ${id}`;
    return rows[0] ?? null;
  }

  async all(): Promise<PartnerRecord[]> {
    return this.db.$queryRaw<PartnerRecord[]>`SELECT id, name, webhook_secret AS "webhookSecret" FROM partner ORDER BY id`;
  }

  /** Seeds or rotates a partner's credentials (dev stack seeds `demo`). */
  async upsert(partner: { id: string; name: string; apiKey: string; webhookSecret: string }): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO partner (id, name, api_key_hash, webhook_secret) VALUES (${partner.id}, ${partner.name}, ${hashApiKey(partner.apiKey)}, ${partner.webhookSecret})
      ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, api_key_hash = EXCLUDED.api_key_hash, webhook_secret = EXCLUDED.webhook_secret`;
  }
}
