// Team name rule, free of server-only imports so the console's forms check the same rule.
import { plainText } from '../validation/text';

export const teamNameSchema = plainText().trim().min(1, 'Give the team a name.').max(80, 'Use at most 80 characters.');
