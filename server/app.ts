// Assembles the server: database (with migrations applied), keychain, settings and the tRPC router.
// Used by the Electron main process, by `npm run serve`, and by tests.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defaultAuthPolicy, type AuthPolicy } from './auth/auth-policy';
import type { SessionCarrier } from './auth/session-carrier';
import { systemClock, type Clock } from './clock';
import { resolveDataDir } from './config/data-dir';
import { createSettingsStore } from './config/settings-store';
import { openDatabase, type Database } from './db/open-database';
import { openKeychain, type Keychain } from './keychain/keychain';
import { createMailer } from './mail/mailer';
import type { BillingProvider } from './billing/billing-provider';
import { StripeProvider } from './billing/stripe/stripe-provider';
import { createStripeEventSource, type StripeEventSource, type StripeEventSourceOptions } from './billing/stripe/stripe-event-source';
import { CredentialStore } from './credentials/credential-store';
import { createConnections, stripeClientOptions } from './credentials/stripe-connection';
import { loadStripeSdk } from './billing/stripe/stripe-sdk';
import { backgroundJobs, startJobs } from './jobs/registry';
import { smsConfigFromEnvironment, type SmsConfig } from './sms/sms-provider-for-organization';
import { appRouter } from './api/root';
import { createExportServices } from './exports/export-services';
import { sweepInterruptedExports } from './exports/sweep-interrupted-exports';
import { logUnexpectedError } from './logging/log-error';
import { alertChecksIdle, registerAlertServices } from './alerts/usage-alert-hooks';
import { createCallerFactory, createContext, type AppServices, type RequestInfo } from './api/trpc';

export interface CreateAppOptions {
  dataDir?: string;
  /** Overrides DATABASE_URL and the URL saved in settings; pass null to force the embedded database. */
  databaseUrl?: string | null;
  clock?: Clock;
  authPolicy?: Partial<AuthPolicy>;
  keychain?: Keychain;
  /** smtp(s)://user:pass@host:port — defaults to SMTP_URL; without one, emails stay in the outbox. */
  smtpUrl?: string;
  /** Where overage is reported; defaults to Stripe when STRIPE_SECRET_KEY is set, else none (batches wait). */
  billingProvider?: BillingProvider | null;
  /** Stripe events (polling, webhooks): defaults to STRIPE_SECRET_KEY/STRIPE_WEBHOOK_SECRET; null turns them off. */
  stripe?: StripeEventSourceOptions | null;
  /** Where STRIPE_* variables are read (server mode: they win over the keychain); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** SMS through SNS: defaults to SNS_ENDPOINT / SNS_REGION; tests pass the stand-in's endpoint and certificate host. */
  sms?: SmsConfig;
}

export interface MeterdeskApp {
  services: AppServices;
  router: typeof appRouter;
  dataDir: string;
  createContext(carrier: SessionCarrier, request: RequestInfo): ReturnType<typeof createContext>;
  /** A server-side caller, for tests and the CLI. */
  createCaller(carrier: SessionCarrier, request?: RequestInfo): Promise<ReturnType<typeof appRouter.createCaller>>;
  /** Where Stripe events are read from; null when Stripe is not configured. */
  stripeEvents: StripeEventSource | null;
  /**
   * Periodic upkeep while serving (server/jobs/registry.ts): expired reservations, overage to
   * meters, Stripe event polling, erasure of deleted organizations. Returns a stop function that
   * resolves once running jobs have finished.
   */
  startBackgroundJobs(intervalMs?: number): () => Promise<void>;
  close(): Promise<void>;
}

export const APP_VERSION: string = (() => {
  // server/app.ts in source, out/main/main.js when built: package.json is one or two levels up.
  const require = createRequire(import.meta.url);
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(path) as { name?: string; version: string };
      if (pkg.name === 'meterdesk') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return process.env.npm_package_version ?? '0.0.0';
})();

export async function createApp(options: CreateAppOptions = {}): Promise<MeterdeskApp> {
  const dataDir = options.dataDir ?? resolveDataDir();
  const keychain = options.keychain ?? (await openKeychain());
  const settings = createSettingsStore(dataDir, keychain);
  const databaseUrl =
    options.databaseUrl === null ? undefined : (options.databaseUrl || process.env.DATABASE_URL || (await settings.savedDatabaseUrl()));
  const db: Database = await openDatabase({ databaseUrl, dataDir });
  const services: AppServices = {
    db,
    clock: options.clock ?? systemClock,
    authPolicy: { ...defaultAuthPolicy, ...options.authPolicy },
    keychain,
    settings,
    mailer: createMailer(db, { smtpUrl: options.smtpUrl ?? (process.env.SMTP_URL || undefined), from: process.env.SMTP_FROM || undefined, keychain }),
    consoleUrl: null,
    version: APP_VERSION,
    billingProvider: null,
  };
  // Stripe's key and webhook secret: the environment (server mode) first, else Settings → Connections.
  const env = options.env ?? process.env;
  const credentials = new CredentialStore(keychain, env);
  const apiBase = env.STRIPE_API_BASE?.trim() || undefined;
  services.connections = createConnections(services, credentials, apiBase);
  // SMTP: SMTP_URL (or the caller's smtpUrl) first, else the one saved in Settings → Connections.
  const smtpFromOptions = options.smtpUrl ?? (process.env.SMTP_URL || undefined);
  services.connections.refreshMailer = async () => {
    const smtpUrl = smtpFromOptions ?? (await credentials.get('smtp.url').catch(() => undefined));
    services.mailer = createMailer(db, { smtpUrl, from: process.env.SMTP_FROM || undefined, keychain });
  };
  if (!smtpFromOptions) await services.connections.refreshMailer();
  services.sms = options.sms ?? smsConfigFromEnvironment(env);
  services.exports = createExportServices(dataDir, keychain, env);
  const stored = options.billingProvider === undefined || options.stripe === undefined ? await stripeClientOptions(credentials, apiBase) : null;
  // The stripe SDK (≈ 0.5 s to load) only when a key is configured: see stripe-sdk.ts.
  if (stored || options.stripe) await loadStripeSdk();
  services.billingProvider = options.billingProvider === undefined ? (stored ? new StripeProvider(stored.client) : null) : options.billingProvider;
  const callerFactory = createCallerFactory(appRouter);
  const stripeOptions = options.stripe === undefined ? stored : options.stripe;
  services.stripeEvents = stripeOptions ? createStripeEventSource(stripeOptions) : null;
  // Usage alerts fired by metering are announced with these services (mailer, console link).
  registerAlertServices(services);
  const jobStops = new Set<() => Promise<void>>();
  const app: MeterdeskApp = {
    services,
    router: appRouter,
    dataDir,
    createContext: (carrier, request) => createContext(services, carrier, request),
    createCaller: async (carrier, request = { transport: 'browser' }) => callerFactory(await createContext(services, carrier, request)),
    // Kept in the services too, so billing procedures read objects back through the same client.
    get stripeEvents() {
      return services.stripeEvents ?? null;
    },
    set stripeEvents(source) {
      services.stripeEvents = source;
    },
    startBackgroundJobs(intervalMs = 30_000) {
      const start = () => startJobs(backgroundJobs({ db, clock: services.clock, billingProvider: services.billingProvider, stripeEvents: app.stripeEvents, alerts: services, credentials, sms: services.sms, exports: services.exports ? { db, clock: services.clock, exports: services.exports, version: services.version } : undefined, ledgerArchiveDir: join(dataDir, 'archive', 'usage-events') }, { intervalMs }));
      let stop = start();
      // At start-up, not a minute later: an export a crash left running is shown as interrupted at once.
      const firstSweep = services.exports ? sweepInterruptedExports(db, services.exports, services.clock).catch((error: unknown) => logUnexpectedError('sweep interrupted exports at start', error)) : Promise.resolve();
      // A connection saved or removed in Settings → Connections: the jobs restart on the new Stripe.
      const restart = async () => {
        await stop();
        stop = start();
      };
      if (services.connections) services.connections.afterStripeChange = restart;
      const stopAll = async () => {
        jobStops.delete(stopAll);
        if (services.connections?.afterStripeChange === restart) services.connections.afterStripeChange = undefined;
        await stop();
        await firstSweep;
      };
      jobStops.add(stopAll);
      return stopAll;
    },
    close: async () => {
      // Exports in progress stop (their partial files are removed) before the database closes.
      for (const live of services.exports?.running.values() ?? []) live.controller.abort();
      await Promise.all([...(services.exports?.running.values() ?? [])].map((live) => live.done));
      // Jobs a caller left running stop first: a timer firing after this would find the database closed.
      await Promise.all([...jobStops].map((stopJobs) => stopJobs()));
      await alertChecksIdle(db); // checks in flight finish before the database closes
      await db.close();
    },
  };
  return app;
}
