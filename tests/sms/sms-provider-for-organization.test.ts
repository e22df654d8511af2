// smsProviderForOrganization: the channel's region and the organization's key pair from the
// credential store make a working provider against the stand-in; without them a clear refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsProviderFor, smsProviderForOrganization } from '../../server/sms/sms-provider-for-organization';
import { createPostgresDatabase } from '../helpers/databases';
import { connectOrganizationToStandIn, startSmsStandIn } from '../helpers/sms';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { startTestApp, type TestApp } from '../helpers/test-app';
import type { SnsStandIn } from '../stand-ins/sns/server';

let t: TestApp;
let standIn: SnsStandIn;
let acme: Tenant;
let globex: Tenant;

beforeAll(async () => {
  const started = await startSmsStandIn();
  standIn = started.standIn;
  t = await startTestApp({ name: 'postgres', create: createPostgresDatabase }, { sms: started.sms });
  acme = await seedTenant(t.app, 'acme');
  globex = await seedTenant(t.app, 'globex');
});
afterAll(async () => {
  await t?.close();
  await standIn?.close();
});

describe('smsProviderForOrganization', () => {
  it('refuses clearly when the organization has not connected SMS', async () => {
    await expect(smsProviderFor(t.app.services, globex.organizationId)).rejects.toThrow(/SMS is not connected/);
  });

  it('builds a provider from sms_channels and the keychain, and sends through the stand-in', async () => {
    await connectOrganizationToStandIn(t.app, acme.organizationId, standIn);
    expect(t.app.services.db.prisma.smsChannel).toBeDefined();
    const provider = await smsProviderForOrganization(t.app.services.db, t.app.services.connections!.store, acme.organizationId, t.app.services.sms);
    const result = await provider.send({ to: '+14155550123', body: 'Hi from Acme', smsType: 'Promotional', originationNumber: '+18445550100' });
    expect(result.ok).toBe(true);
    expect(standIn.store.published.at(-1)).toMatchObject({ phoneNumber: '+14155550123', message: 'Hi from Acme' });
    // The other organization still has no key pair: one organization's keys never serve another.
    await expect(smsProviderFor(t.app.services, globex.organizationId)).rejects.toThrow(/SMS is not connected/);
    provider.destroy();
  });
});
