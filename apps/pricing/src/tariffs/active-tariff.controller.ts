import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import type { ActiveTariffV1 } from '@kuruma/contracts';
import { activePublicTariff, tariffs } from '@kuruma/domain-rating';
import { BusinessClock, NotFoundError, PartnerGuard } from '@kuruma/service-kit';

@Controller('v1/tariffs')
@UseGuards(PartnerGuard)
export class ActiveTariffController {
  constructor(@Inject(BusinessClock) private readonly clock: BusinessClock) {}

  /**
   * The public part of the tariff in force now (plans, coverages, deductibles, billing and refund
   * rules) and the next scheduled version, from the registry the quotes are priced with.
   */
  @Get('active')
  active(): ActiveTariffV1 {
    const active = activePublicTariff(tariffs, this.clock.now());
    if (!active) throw new NotFoundError('no tariff is in force yet');
    return active;
  }
}
