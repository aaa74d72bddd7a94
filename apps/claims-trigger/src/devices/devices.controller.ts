import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  deviceCredentialsRotationV1Schema,
  deviceRegistrationV1Schema,
  type DeviceCredentialsRotationV1,
  type DeviceCredentialsV1,
  type DeviceRegistrationV1,
} from '@kuruma/contracts';
import type { PartnerRecord } from '@kuruma/data-access-db';
import { Partner, PartnerGuard, ZodValidationPipe } from '@kuruma/service-kit';
import { RegisterDeviceUseCase } from './register-device.use-case';
import { RevokeDeviceUseCase } from './revoke-device.use-case';
import { RotateDeviceCredentialsUseCase } from './rotate-device-credentials.use-case';

@Controller('v1/devices')
@UseGuards(PartnerGuard)
export class DevicesController {
  constructor(
    @Inject(RegisterDeviceUseCase) private readonly register: RegisterDeviceUseCase,
    @Inject(RevokeDeviceUseCase) private readonly revoke: RevokeDeviceUseCase,
    @Inject(RotateDeviceCredentialsUseCase) private readonly rotate: RotateDeviceCredentialsUseCase,
  ) {}

  /** Registers a gateway for a vehicle and returns its MQTT credentials, once. */
  @Put(':deviceId')
  put(
    @Partner() partner: PartnerRecord,
    @Param('deviceId') deviceId: string,
    @Body(new ZodValidationPipe(deviceRegistrationV1Schema)) { vehicleId, csr }: DeviceRegistrationV1,
  ): Promise<DeviceCredentialsV1> {
    return this.register.execute(partner.id, deviceId, vehicleId, csr);
  }

  /** Revokes the gateway: its broker account and live session end at once; 404 when not the partner's active device. */
  @Delete(':deviceId')
  @HttpCode(204)
  delete(@Partner() partner: PartnerRecord, @Param('deviceId') deviceId: string): Promise<void> {
    return this.revoke.execute(partner.id, deviceId);
  }

  /** New credentials for the partner's active device; the old password stops working at once. */
  @Post(':deviceId/rotate-credentials')
  @HttpCode(200)
  rotateCredentials(
    @Partner() partner: PartnerRecord,
    @Param('deviceId') deviceId: string,
    @Body(new ZodValidationPipe(deviceCredentialsRotationV1Schema)) { csr }: DeviceCredentialsRotationV1,
  ): Promise<DeviceCredentialsV1> {
    return this.rotate.execute(partner.id, deviceId, csr);
  }
}
