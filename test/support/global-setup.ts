/** vitest's globalSetup for the integration tiers: the stack setup the bench and chaos run share. */
export { setupStack as default, teardownStack as teardown } from '../../tools/harness';
