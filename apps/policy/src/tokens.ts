/** The Prisma client the read side uses (the platform's, from DatabaseModule). */
export { DATABASE } from '@kuruma/service-kit';
