import pg from 'pg';
export { databaseUrlSchema } from './database-url';
import { AppError } from '../errors';

/** Connects once to make sure a URL works before it is saved. */
export async function checkDatabaseUrl(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new AppError('BAD_REQUEST', `Could not connect with this URL: ${(error as Error).message}`, { field: 'url' });
  } finally {
    await client.end().catch(() => {});
  }
}
