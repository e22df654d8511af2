import { authRouter } from './routers/auth';
import { organizationRouter } from './routers/organization';
import { settingsRouter } from './routers/settings';
import { setupRouter } from './routers/setup';
import { router } from './trpc';

export const appRouter = router({
  setup: setupRouter,
  auth: authRouter,
  organization: organizationRouter,
  settings: settingsRouter,
});

export type AppRouter = typeof appRouter;
