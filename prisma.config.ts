import { defineConfig } from 'prisma/config';

// The CLI reads the URL here (Prisma 7 keeps it out of schema.prisma); the services pass theirs
// to @prisma/adapter-pg at runtime. Same default as .env.example.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/kuruma' },
});
