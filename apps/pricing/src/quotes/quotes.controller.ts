import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { quoteRequestV1Schema, type QuoteRequestV1, type QuoteV1 } from '@kuruma/contracts';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { Partner, PartnerGuard, ProblemException, ZodValidationPipe } from '@kuruma/service-kit';
import { priceQuote } from '@kuruma/domain-rating';
import { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';

@Controller('v1/quotes')
@UseGuards(PartnerGuard)
export class QuotesController {
  constructor(@Inject(VehicleDamageLookup) private readonly damage: VehicleDamageLookup) {}

  /** A price for a booking, with the step-by-step breakdown, or the decline reasons. */
  @Post()
  @HttpCode(200)
  async quote(@Partner() partner: PartnerRecord, @Body(new ZodValidationPipe(quoteRequestV1Schema)) request: QuoteRequestV1): Promise<QuoteV1> {
    if (request.partnerId !== partner.id) throw ProblemException.forbidden('partnerId does not match the API key');
    const damaged = await this.damage.withOpenDamage([{ partnerId: partner.id, vehicleId: request.vehicle.vehicleId }]);
    return priceQuote(request, { now: new Date(), vehicleHasOpenDamageClaim: damaged.size > 0 });
  }
}
