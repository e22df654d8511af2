// The opt-out sync at scale: N numbers on the provider's list (N/100 pages through the real
// SDK) copied into a PostgreSQL organization with N/10 matching contacts; a second run changes
// nothing. Prints the time of each run.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { smsProviderFor } from '../../server/sms/sms-provider-for-organization';
import { syncOptOuts } from '../../server/sms/sync-opt-outs';
import { createPostgresDatabase } from '../helpers/databases';
import { connectOrganizationToStandIn, startSmsStandIn } from '../helpers/sms';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { startTestApp, type TestApp } from '../helpers/test-app';
import type { SnsStandIn } from '../stand-ins/sns/server';

let t: TestApp;
let standIn: SnsStandIn;
let acme: Tenant;
// 100,000 measured once (README); 20,000 keeps the suite quick on two cores.
const N = Number(process.env.SMS_SYNC_SCALE ?? 20_000);
const phone = (i: number) => `+1415${String(1_000_000 + i).padStart(7, '0')}`;

beforeAll(async () => {
  const started = await startSmsStandIn();
  standIn = started.standIn;
  t = await startTestApp({ name: 'postgres', create: createPostgresDatabase }, { sms: started.sms });
  acme = await seedTenant(t.app, 'acme');
  await connectOrganizationToStandIn(t.app, acme.organizationId, standIn);
  for (let i = 0; i < N; i++) standIn.store.optedOut.add(phone(i));
  await t.app.services.db.query(
    `insert into contacts (organization_id, id, owner_user_id, name, phone, updated_at) select $1::uuid, gen_random_uuid(), $2::uuid, 'c' || g, '+1415' || lpad((1000000 + g * 10)::text, 7, '0'), now() from generate_series(0, $3::int - 1) g`,
    [acme.organizationId, acme.people.admin.userId, N / 10],
  );
});
afterAll(async () => {
  await t?.close();
  await standIn?.close();
});

it('syncs the opted-out numbers, then nothing on the second run', { timeout: 300_000 }, async () => {
  const provider = await smsProviderFor(t.app.services, acme.organizationId);
  let started = performance.now();
  const first = await syncOptOuts(t.app.services.db, provider, acme.organizationId, t.clock);
  const firstMs = performance.now() - started;
  started = performance.now();
  const second = await syncOptOuts(t.app.services.db, provider, acme.organizationId, t.clock);
  const secondMs = performance.now() - started;
  console.log(JSON.stringify({ bench: 'sms-opt-out-sync', numbers: N, pages: N / 100, firstRunMs: Math.round(firstMs), changed: first.changed, secondRunMs: Math.round(secondMs), changedSecond: second.changed }));
  expect(first).toMatchObject({ listed: N, changed: N });
  expect(second.changed).toBe(0);
  const [row] = await t.app.services.db.query<{ n: number }>('select count(*)::int as n from contacts where organization_id = $1::uuid and opt_out_sms', [acme.organizationId]);
  expect(row!.n).toBe(N / 10);
  provider.destroy();
});
