import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { quoteRequestV1Schema, type QuoteRequestV1, type QuoteV1 } from '@kuruma/contracts';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { Idempotent, Partner, PartnerGuard, ProblemException, ZodValidationPipe } from '@kuruma/service-kit';
import { coverScheduleOf, priceQuote } from '@kuruma/domain-rating';
import { QuoteDamageCheck } from './quote-damage-check';

@Controller('v1/quotes')
@UseGuards(PartnerGuard)
export class QuotesController {
  constructor(@Inject(QuoteDamageCheck) private readonly damage: QuoteDamageCheck) {}

  /** A price for a booking, with the step-by-step breakdown and what the cover pays, or the decline reasons. */
  @Post()
  @HttpCode(200)
  @Idempotent()
  async quote(@Partner() partner: PartnerRecord, @Body(new ZodValidationPipe(quoteRequestV1Schema)) request: QuoteRequestV1): Promise<QuoteV1> {
    if (request.partnerId !== partner.id) throw ProblemException.forbidden('partnerId does not match the API key');
    const damaged = await this.damage.hasOpenDamage(partner.id, request.vehicle.vehicleId);
    const quote = priceQuote(request, { now: new Date(), vehicleHasOpenDamageClaim: damaged });
    if (quote.status !== 'quoted') return quote;
    // Only the partner's answer carries the schedule: it follows from the tariff version and request.
    const cover = coverScheduleOf(quote.tariffVersion, request.plan, request);
    return cover ? { ...quote, cover } : quote;
  }
}
