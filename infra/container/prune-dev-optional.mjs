// Runs in the image's deps stage after `npm ci --omit=dev`: removes the packages package-lock.json
// marks devOptional, i.e. needed by the development tree and only an optional (peer) dependency of
// the production one. npm installs those anyway: @prisma/client's optional peers `prisma` and
// `typescript` bring the Prisma CLI, Studio and their trees (about 300 MB) that no bundle loads.
import { readFileSync, rmSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const removed = Object.entries(lock.packages)
  .filter(([path, entry]) => path.startsWith('node_modules/') && entry.devOptional)
  .map(([path]) => path);
for (const path of removed) rmSync(path, { recursive: true, force: true });
console.log(`removed ${removed.length} development-only packages`);
