import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { quoteRequestV1Schema, type QuoteRequestV1, type QuoteV1 } from '@kuruma/contracts';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { BusinessClock, Idempotent, Partner, PartnerGuard, ProblemException, ZodValidationPipe } from '@kuruma/service-kit';
import { applyDriverRecord, coverScheduleOf, priceQuote } from '@kuruma/domain-rating';
import { DriverRecords } from '../driver-records/driver-records';
import { QuoteDamageCheck } from './quote-damage-check';

@Controller('v1/quotes')
@UseGuards(PartnerGuard)
export class QuotesController {
  constructor(
    @Inject(QuoteDamageCheck) private readonly damage: QuoteDamageCheck,
    @Inject(DriverRecords) private readonly drivers: DriverRecords,
    @Inject(BusinessClock) private readonly clock: BusinessClock,
  ) {}

  /** A price for a booking, with the step-by-step breakdown and what the cover pays, or the decline reasons. */
  @Post()
  @HttpCode(200)
  @Idempotent()
  async quote(@Partner() partner: PartnerRecord, @Body(new ZodValidationPipe(quoteRequestV1Schema)) request: QuoteRequestV1): Promise<QuoteV1> {
    if (request.partnerId !== partner.id) throw ProblemException.forbidden('partnerId does not match the API key');
    const now = this.clock.now();
    // Priced as a booking of the same request would be (booking-ingest pseudonymises it), so the
    // quote id and the owner check come out the same; the answer carries no driver reference.
    const { request: pseudonymous, driverKeys } = this.drivers.pseudonymous(partner.id, request);
    const [damaged, totals] = await Promise.all([
      this.damage.hasOpenDamage(partner.id, request.vehicle.vehicleId),
      this.drivers.totalsOf(partner.id, pseudonymous, now, driverKeys),
    ]);
    // The platform's own driving score and experience of this driver, where it has them, in place of the partner's numbers.
    const priced = applyDriverRecord(pseudonymous, totals);
    const quote = priceQuote(priced.request, { now, vehicleHasOpenDamageClaim: damaged, driverRecord: priced.record });
    if (quote.status !== 'quoted') return quote;
    // Only the partner's answer carries the schedule: it follows from the tariff version and request.
    const cover = coverScheduleOf(quote.tariffVersion, request.plan, request);
    return cover ? { ...quote, cover } : quote;
  }
}
