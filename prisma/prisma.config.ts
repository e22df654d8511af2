import { defineConfig } from 'prisma/config';

// Prisma 7 neither loads .env nor tolerates a missing DATABASE_URL through env(): read it directly.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
