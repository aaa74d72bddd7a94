import type { PartnerRepository } from '@kuruma/data-access-db';

/** Partner ids looked up once and cached briefly, so validation costs no query per record. */
export class KnownPartners {
  private cache = new Map<string, { exists: boolean; at: number }>();

  constructor(
    private readonly partners: PartnerRepository,
    private readonly ttlMs = 30_000,
  ) {}

  async exists(partnerId: string): Promise<boolean> {
    const hit = this.cache.get(partnerId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.exists;
    const exists = (await this.partners.findById(partnerId)) !== null;
    this.cache.set(partnerId, { exists, at: Date.now() });
    return exists;
  }
}
