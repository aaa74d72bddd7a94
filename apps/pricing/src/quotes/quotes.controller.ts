import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { quoteRequestV1Schema, type QuoteV1 } from '@kuruma/contracts';
import { PartnerAuthenticator, ProblemException, validateBody, type HttpRequest } from '@kuruma/service-kit';
import { priceQuote } from '@kuruma/domain-rating';
import { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';

@Controller('v1/quotes')
export class QuotesController {
  constructor(
    @Inject(PartnerAuthenticator) private readonly auth: PartnerAuthenticator,
    @Inject(VehicleDamageLookup) private readonly damage: VehicleDamageLookup,
  ) {}

  /** A price for a booking, with the step-by-step breakdown, or the decline reasons. */
  @Post()
  @HttpCode(200)
  async quote(@Req() req: HttpRequest, @Body() body: unknown): Promise<QuoteV1> {
    const partner = await this.auth.fromRequest(req);
    const request = validateBody(quoteRequestV1Schema, body);
    if (request.partnerId !== partner.id) throw ProblemException.forbidden('partnerId does not match the API key');
    const damaged = await this.damage.withOpenDamage([{ partnerId: partner.id, vehicleId: request.vehicle.vehicleId }]);
    return priceQuote(request, { now: new Date(), vehicleHasOpenDamageClaim: damaged.size > 0 });
  }
}
