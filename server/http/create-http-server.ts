// Browser/server mode: the console and its API on loopback. Every /trpc request needs the
// per-launch token (from the printed URL, then a cookie) and must come from the console's own
// origin, which stops other local programs, other sites and DNS-rebinding pages.
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppRouter } from '../api/root';
import type { MeterdeskApp } from '../app';
import { logUnexpectedError, unexpectedErrorMessage } from '../logging/log-error';
import { registerUsageApi, usageApiErrorHandler } from '../usage-api/register-usage-api';
import type { ApiRequestCounterOptions } from '../usage-api/count-api-requests';
import { registerStripeWebhook, STRIPE_WEBHOOK_PATH } from './register-stripe-webhook';
import { registerSnsWebhook, SNS_WEBHOOK_PATH } from './register-sns-webhook';
import { registerExportRoutes } from './register-export-routes';
import { cookieSessionCarrier } from './cookie-session-carrier';
import { parseRequestTarget } from './request-target';
import { contentSecurityPolicy } from './content-security-policy';

const CONSOLE_CSP = contentSecurityPolicy({ kind: 'served' });

export interface HttpServerOptions {
  app: MeterdeskApp;
  /** 0 picks a free port. */
  port: number;
  launchToken: string;
  /** Loopback by default; another address publishes the usage API (the console stays loopback-only by its Host check). */
  host?: string;
  /** Built renderer (index.html and assets); omitted in API-only tests. */
  rendererDir?: string;
  /** How the usage API's own requests are batched into api_requests usage (defaults: every 5 s or 1,000 requests). */
  apiRequestMetering?: ApiRequestCounterOptions;
}

export const LAUNCH_TOKEN_HEADER = 'x-meterdesk-token';

export async function createHttpServer(options: HttpServerOptions): Promise<{ server: FastifyInstance; url: string; port: number }> {
  const { app, launchToken } = options;
  // Stated rather than left to defaults: parseRequestTarget only admits paths on which these
  // settings make no difference, so the router and the access checks see the same path.
  // (useSemicolonDelimiter is a find-my-way option its typings lack, hence the separate const.)
  // maxParamLength: a batched tRPC GET names every procedure in one path parameter (tRPC's
  // documented setting; find-my-way's default of 100 characters 404s a screen with many queries).
  const routerOptions = { caseSensitive: true, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, useSemicolonDelimiter: false, maxParamLength: 5000 };
  const server = Fastify({ bodyLimit: 1024 * 1024, logger: false, trustProxy: false, routerOptions });
  let port = options.port;
  const consoleCookie = () => `md_console_${port}`;
  const sessionCookie = () => `md_session_${port}`;
  await server.register(fastifyCookie);

  // Anything unexpected outside tRPC and the usage API (which have their own): a reference for the
  // client, the detail in the server log. Client errors (malformed JSON, wrong media type) keep their message.
  server.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: { code: error.code ?? 'bad_request', message: error.message } });
    const correlationId = logUnexpectedError(`http ${req.method} ${req.routeOptions.url ?? '(no route)'}`, error);
    return reply.code(500).send({ error: { code: 'internal_error', message: unexpectedErrorMessage(correlationId), correlationId } });
  });

  server.addHook('onRequest', async (req, reply) => {
    // Every decision below is made on the parsed path; targets that could be read two ways are refused.
    const target = parseRequestTarget(req.url);
    if (!target.ok) return reply.code(400).send({ error: { code: target.code, message: target.message } });
    // The usage API authenticates every request with an API key (no ambient cookies), and must be
    // reachable under whatever host name the server is published as.
    if (target.family === 'v1') return;
    // Stripe's webhook deliveries likewise (each is authenticated by its signature), on that exact path only.
    if (target.family === 'webhooks' && target.path === STRIPE_WEBHOOK_PATH) return;
    // SNS deliveries likewise (each is authenticated by its SNS signature), on that exact path only.
    if (target.family === 'webhooks' && target.path === SNS_WEBHOOK_PATH) return;
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) {
      return reply.code(403).send({ error: { code: 'forbidden_host', message: 'Requests must address the console by 127.0.0.1 or localhost.' } });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
      return reply.code(403).send({ error: { code: 'forbidden_origin', message: 'Cross-origin requests to the console are refused.' } });
    }
    if (target.family === 'trpc') {
      const presented = req.cookies[consoleCookie()] ?? headerValue(req.headers[LAUNCH_TOKEN_HEADER]);
      if (!presented || !sameSecret(presented, launchToken)) {
        return reply.code(401).send({ error: { code: 'launch_token_required', message: 'Open the console with the link `npm run serve` printed (it carries the launch token).' } });
      }
    }
  });

  server.get('/api/health', async () => ({
    ok: true,
    database: app.services.db.kind,
    migrations: app.services.db.migrations.applied,
    version: app.services.version,
  }));

  // The printed link carries ?token=…: trade it for an HttpOnly cookie and drop it from the address bar.
  server.get('/', async (req, reply) => {
    const token = (req.query as { token?: string }).token;
    if (token !== undefined) {
      if (!sameSecret(token, launchToken)) return reply.code(401).type('text/plain').send('This console link is out of date: use the one `npm run serve` printed last.');
      reply.setCookie(consoleCookie(), launchToken, { httpOnly: true, sameSite: 'strict', path: '/' });
      return reply.redirect('/');
    }
    if (!options.rendererDir) return reply.type('text/plain').send('Meterdesk API');
    return reply.sendFile('index.html');
  });

  await server.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: app.router,
      createContext: ({ req, res }) =>
        app.createContext(cookieSessionCarrier(req, res, sessionCookie()), { transport: 'browser', userAgent: req.headers['user-agent'] ?? null }),
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  if (options.rendererDir && existsSync(options.rendererDir)) {
    await server.register(fastifyStatic, { root: options.rendererDir, index: false, wildcard: true });
  }
  server.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    // The console's CSP as a header too (the built page also carries it as a <meta> tag).
    reply.header('Content-Security-Policy', CONSOLE_CSP);
    return payload;
  });

  await server.register(async (api) => {
    api.setErrorHandler(usageApiErrorHandler);
    registerUsageApi(api, app, options.apiRequestMetering);
  });
  await server.register(async (webhooks) => registerStripeWebhook(webhooks, app));
  await server.register(async (webhooks) => registerSnsWebhook(webhooks, app));
  // Export downloads and "Open export pack" in browser mode: the launch token like /trpc (checked in the routes).
  await server.register(async (exportRoutes) =>
    registerExportRoutes(exportRoutes, app, {
      hasLaunchToken: (req) => {
        const presented = req.cookies[consoleCookie()] ?? headerValue(req.headers[LAUNCH_TOKEN_HEADER]);
        return !!presented && sameSecret(presented, launchToken);
      },
      sessionCookie,
    }),
  );

  await server.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  const address = server.server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  app.services.consoleUrl ??= `http://127.0.0.1:${port}/`;
  return { server, port, url: `http://127.0.0.1:${port}/?token=${launchToken}` };
}

function headerValue(v: string | string[] | undefined) {
  return Array.isArray(v) ? v[0] : v;
}

function sameSecret(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
