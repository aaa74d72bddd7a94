import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { intakeClientIds, provisionIntakeAccounts } from '@kuruma/data-access-messaging';
import { SERVICE_KIT, type ServiceKit } from '@kuruma/service-kit';
import type { ClaimsTriggerConfig } from '../claims-trigger.config';
import { CONFIG } from '../tokens';
import { BrokerAdmin } from './broker-admin';

/**
 * At start, before the intake connects: the intake's own broker accounts, one per client id, and
 * older device accounts bound to their device ids. When the admin connection is away now, the
 * accounts from the last start are kept and the intake connects with them.
 */
@Injectable()
export class IntakeAccountsProvisioning implements OnApplicationBootstrap {
  constructor(
    @Inject(BrokerAdmin) private readonly brokerAdmin: BrokerAdmin,
    @Inject(CONFIG) private readonly config: ClaimsTriggerConfig,
    @Inject(SERVICE_KIT) private readonly kit: ServiceKit,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, kit } = this;
    try {
      const admin = await this.brokerAdmin.client();
      await provisionIntakeAccounts(admin, intakeClientIds(config.MQTT_CLIENT_ID), config.MQTT_SERVICE_PASSWORD);
      const bound = await (await this.brokerAdmin.deviceAccounts()).bindLegacyAccounts();
      if (bound) kit.logger.warn({ bound }, 'bound pre-namespace device accounts to their device id as client id; register those devices again for namespaced credentials');
    } catch (error) {
      kit.logger.error({ err: (error as Error).message }, 'could not provision the intake MQTT accounts; connecting with the existing ones');
    }
  }
}
