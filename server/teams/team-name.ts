import { Prisma } from '../db/generated/client';
import { AppError } from '../errors';

export { teamNameSchema } from './team-name-rules';

/** Team names are unique per organization whatever the capitals (among teams not archived); the unique index decides races. */
export function rethrowDuplicateTeamName(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new AppError('CONFLICT', `A team named “${name}” already exists (names count as the same whatever their capitals). Choose another name.`, { field: 'name' });
  }
  throw error;
}
