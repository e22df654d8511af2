// `npm run cli -- …`: administration from a terminal, against DATABASE_URL or the embedded database.
//   apikey create --org SLUG --scopes usage:write,usage:read [--name NAME] [--expires-days N]
//   apikey list   --org SLUG
//   apikey revoke --org SLUG --prefix PREFIX
//   usage verify  [--org SLUG]     counters against the ledger; exit 1 when any differ
//   audit verify  [--org SLUG]     the audit log's hash chains; exit 1 at the first broken link
//   stripe sync-catalog [--dry-run] [--api-base URL]   (STRIPE_SECRET_KEY; STRIPE_API_BASE)
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createApiKey, createApiKeyInput } from './api-keys/create-api-key';
import { listApiKeys } from './api-keys/list-api-keys';
import { revokeApiKey } from './api-keys/revoke-api-key';
import { systemClock } from './clock';
import { resolveDataDir } from './config/data-dir';
import { DatabaseOpenError, openDatabase, type Database } from './db/open-database';
import { AppError } from './errors';
import { verifyUsageCounters } from './metering/verify-usage-counters';
import { stripeOptionsFromEnvironment } from './billing/stripe/stripe-config';
import { StripeProvider } from './billing/stripe/stripe-provider';
import { loadStripeSdk } from './billing/stripe/stripe-sdk';
import { syncCatalog } from './billing/sync-catalog';
import { verifyAllAuditChains, verifyAuditChain, type ChainReport } from './audit/verify-audit-chain';

const USAGE = `Usage:
  npm run cli -- apikey create --org SLUG --scopes usage:write,usage:read [--name NAME] [--expires-days N]
  npm run cli -- apikey list --org SLUG
  npm run cli -- apikey revoke --org SLUG --prefix PREFIX
  npm run cli -- usage verify [--org SLUG]
  npm run cli -- audit verify [--org SLUG]
  npm run cli -- stripe sync-catalog [--dry-run] [--api-base URL]`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    org: { type: 'string' }, scopes: { type: 'string' }, name: { type: 'string' }, 'expires-days': { type: 'string' }, prefix: { type: 'string' },
    'dry-run': { type: 'boolean' }, 'api-base': { type: 'string' },
  },
});
const [group, command] = positionals;

// Stripe needs no database: the catalog lives in the repository (server/billing/plan-catalog.ts).
if (group === 'stripe') {
  if (command !== 'sync-catalog') fail(USAGE);
  try {
    await loadStripeSdk();
    const provider = new StripeProvider(stripeOptionsFromEnvironment(process.env, { apiBase: values['api-base'] }));
    const outcome = await syncCatalog(provider, { dryRun: values['dry-run'] });
    for (const line of outcome.lines) console.log(line);
    process.exit(outcome.conflicts.length > 0 ? 1 : 0);
  } catch (error) {
    if (error instanceof AppError) fail(error.message);
    throw error;
  }
}
const isApiKey = group === 'apikey' && ['create', 'list', 'revoke'].includes(command ?? '');
const isUsage = group === 'usage' && command === 'verify';
const isAudit = group === 'audit' && command === 'verify';
if (!isApiKey && !isUsage && !isAudit) fail(USAGE);
if (isApiKey && !values.org) fail(`--org SLUG is required.\n${USAGE}`);

let db: Database;
try {
  db = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: resolveDataDir() });
} catch (error) {
  fail(error instanceof DatabaseOpenError ? error.message : String(error));
}
if (isAudit) {
  let broken = false;
  try {
    const organization = values.org ? await db.prisma.organization.findUnique({ where: { slug: values.org } }) : null;
    if (values.org && !organization) fail(`No organization has the slug "${values.org}".`);
    const reports: ChainReport[] = organization ? [await verifyAuditChain(db, organization.id)] : await verifyAllAuditChains(db);
    const slugs = new Map((await db.prisma.organization.findMany({ where: { id: { in: reports.map((r) => r.organizationId).filter((id): id is string => !!id) } }, select: { id: true, slug: true } })).map((o) => [o.id, o.slug]));
    for (const r of reports) {
      const name = r.organizationId ? (slugs.get(r.organizationId) ?? r.organizationId) : 'platform';
      if (r.ok) console.log(`${name}: ${r.events} events, chain intact (head #${r.lastSeq} ${r.lastHash})`);
      else console.log(`${name}: BROKEN at #${r.firstBreak!.seq} (${r.firstBreak!.problem}): ${r.firstBreak!.message} (${r.events} events verified before it)`);
    }
    broken = reports.some((r) => !r.ok);
    if (broken) console.error(`${reports.filter((r) => !r.ok).length} of ${reports.length} audit chain(s) broken.`);
    else console.log(`All ${reports.length} audit chain(s) verified.`);
  } finally {
    await db.close();
  }
  process.exit(broken ? 1 : 0);
}
if (isUsage) {
  let mismatched = false;
  try {
    const organization = values.org ? await db.prisma.organization.findUnique({ where: { slug: values.org } }) : null;
    if (values.org && !organization) fail(`No organization has the slug "${values.org}".`);
    const { countersChecked, mismatches } = await verifyUsageCounters(db, { organizationId: organization?.id });
    for (const m of mismatches) {
      console.log(
        `${m.slug}  ${m.scope} ${m.scopeId}  ${m.metric}  period ${m.periodStart.toISOString()}: ` +
          `counter used ${m.counter.used} reserved ${m.counter.reserved}, ledger used ${m.expected.used} pending ${m.expected.reserved}`,
      );
    }
    mismatched = mismatches.length > 0;
    const where = organization ? ` of ${organization.slug}` : '';
    if (mismatched) console.error(`${mismatches.length} counter(s)${where} differ from the ledger (${countersChecked} checked).`);
    else console.log(`All ${countersChecked} counters${where} match the ledger.`);
  } finally {
    await db.close();
  }
  process.exit(mismatched ? 1 : 0);
}

try {
  const organization = await db.prisma.organization.findUnique({ where: { slug: values.org } });
  if (!organization) fail(`No organization has the slug "${values.org}".`);
  if (command === 'create') {
    const parsed = createApiKeyInput.safeParse({
      name: values.name ?? `CLI key ${new Date().toISOString().slice(0, 10)}`,
      scopes: (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      expiresInDays: values['expires-days'] ? Number(values['expires-days']) : undefined,
    });
    if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') + `\nScopes: usage:write, usage:read, sms:send`);
    const key = await createApiKey(db, { organizationId: organization.id, userId: null }, parsed.data, systemClock);
    console.error(`Created API key "${key.name}" for ${organization.slug} (prefix ${key.prefix}, scopes ${key.scopes.join(', ')}${key.expiresAt ? `, expires ${key.expiresAt.toISOString()}` : ''}). It is shown once:`);
    console.log(key.key);
  } else if (command === 'list') {
    for (const k of await listApiKeys(db, organization.id)) {
      const state = k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt < new Date() ? 'expired' : 'active';
      console.log(`${k.prefix}  ${state.padEnd(8)} ${k.scopes.join(',').padEnd(30)} ${k.name}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}`);
    }
  } else {
    const prefix = z.string().min(1).parse(values.prefix ?? fail('--prefix is required.'));
    const key = await db.prisma.apiKey.findFirst({ where: { organizationId: organization.id, prefix } });
    if (!key) fail(`No API key with prefix ${prefix} in ${organization.slug}.`);
    await revokeApiKey(db, { organizationId: organization.id, userId: null }, { apiKeyId: key.id }, systemClock);
    console.log(`Revoked ${prefix}.`);
  }
} finally {
  await db.close();
}
process.exit(0); // the wasm schema engine keeps a timer alive
