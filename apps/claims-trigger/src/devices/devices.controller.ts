import { Body, Controller, Inject, Param, Put, Req } from '@nestjs/common';
import { deviceRegistrationV1Schema, type DeviceCredentialsV1 } from '@kuruma/contracts';
import { PartnerAuthenticator, validateBody, type HttpRequest } from '@kuruma/service-kit';
import { RegisterDeviceUseCase } from './register-device.use-case';

@Controller('v1/devices')
export class DevicesController {
  constructor(
    @Inject(PartnerAuthenticator) private readonly auth: PartnerAuthenticator,
    @Inject(RegisterDeviceUseCase) private readonly register: RegisterDeviceUseCase,
  ) {}

  /** Registers a gateway for a vehicle and returns its MQTT credentials, once. */
  @Put(':deviceId')
  async put(@Req() req: HttpRequest, @Param('deviceId') deviceId: string, @Body() body: unknown): Promise<DeviceCredentialsV1> {
    const partner = await this.auth.fromRequest(req);
    const { vehicleId, csr } = validateBody(deviceRegistrationV1Schema, body);
    return this.register.execute(partner.id, deviceId, vehicleId, csr);
  }
}
