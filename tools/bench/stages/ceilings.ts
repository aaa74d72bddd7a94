import { loadStackConfig } from '@kuruma/config';
import { ADMIN_KAFKA_AUTH, bookingEvent, newBooking, TEST_ENV } from '../../harness';
import type { BenchRun } from '../bench-run';
import { kafkaCeiling, postgresCeiling } from '../ceilings';

/** What this machine's Kafka and Postgres do with no application in the way, at the platform's record size. */
export async function ceilingsStage(run: BenchRun): Promise<void> {
  const sampleEvent = JSON.stringify(bookingEvent(newBooking(), 'com.kurumacover.booking.confirmed', 2));
  run.results['kafkaCeiling'] = await kafkaCeiling(loadStackConfig().STACK_STATE_DIR, TEST_ENV['KAFKA_BROKERS'], sampleEvent.length, ADMIN_KAFKA_AUTH, run.say);
  run.results['postgresCeiling'] = postgresCeiling(TEST_ENV['DATABASE_URL'], 1_500, run.say);
}
