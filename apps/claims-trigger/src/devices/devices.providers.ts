import type { Provider } from '@nestjs/common';
import { DeviceRepository, SqlDatabase } from '@kuruma/data-access-db';
import { SERVICE_KIT, type ServiceKit } from '@kuruma/service-kit';
import { BrokerAdmin } from './broker-admin';
import { DEVICE_CHANGE_LOCK, deviceChangeLock, type DeviceChangeLock } from './device-change.lock';
import { DeviceDirectory } from './device-directory';
import { RegisterDeviceUseCase } from './register-device.use-case';
import { RevokeDeviceUseCase } from './revoke-device.use-case';
import { RotateDeviceCredentialsUseCase } from './rotate-device-credentials.use-case';

/** The device lifecycle after registration: deletion and credential rotation (issue 18). */
export const deviceLifecycleProviders: Provider[] = [
  { provide: DEVICE_CHANGE_LOCK, inject: [SqlDatabase], useFactory: (sql: SqlDatabase) => deviceChangeLock(sql) },
  {
    provide: RevokeDeviceUseCase,
    inject: [SqlDatabase, BrokerAdmin, DeviceDirectory, SERVICE_KIT, DEVICE_CHANGE_LOCK],
    useFactory: (sql: SqlDatabase, admin: BrokerAdmin, directory: DeviceDirectory, kit: ServiceKit, lock: DeviceChangeLock) =>
      new RevokeDeviceUseCase(new DeviceRepository(sql), () => admin.deviceAccounts(), directory, kit.logger, lock),
  },
  {
    provide: RotateDeviceCredentialsUseCase,
    inject: [SqlDatabase, RegisterDeviceUseCase],
    useFactory: (sql: SqlDatabase, register: RegisterDeviceUseCase) => new RotateDeviceCredentialsUseCase(new DeviceRepository(sql), register),
  },
];
