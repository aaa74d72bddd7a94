import { Body, Controller, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { deviceRegistrationV1Schema, type DeviceCredentialsV1, type DeviceRegistrationV1 } from '@kuruma/contracts';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { Partner, PartnerGuard, ZodValidationPipe } from '@kuruma/service-kit';
import { RegisterDeviceUseCase } from './register-device.use-case';

@Controller('v1/devices')
@UseGuards(PartnerGuard)
export class DevicesController {
  constructor(@Inject(RegisterDeviceUseCase) private readonly register: RegisterDeviceUseCase) {}

  /** Registers a gateway for a vehicle and returns its MQTT credentials, once. */
  @Put(':deviceId')
  put(
    @Partner() partner: PartnerRecord,
    @Param('deviceId') deviceId: string,
    @Body(new ZodValidationPipe(deviceRegistrationV1Schema)) { vehicleId, csr }: DeviceRegistrationV1,
  ): Promise<DeviceCredentialsV1> {
    return this.register.execute(partner.id, deviceId, vehicleId, csr);
  }
}
