import type { RouterOutputs } from '../../lib/me';

export type Team = RouterOutputs['teams']['list'][number];
