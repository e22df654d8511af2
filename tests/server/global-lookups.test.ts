// API keys and invitation links are found through small global lookups (key hash → organization),
// then read by their tenant's key with their own hash checked again: a lookup row that points
// elsewhere (a bug, or someone with database access) opens nothing, and a replaced link stops working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyAuthenticator } from '../../server/api-keys/authenticate-api-key';
import { createApiKey } from '../../server/api-keys/create-api-key';
import { hashToken } from '../../server/auth/session-tokens';
import { systemClock } from '../../server/clock';
import { openDatabase, type Database } from '../../server/db/open-database';
import { findUsableInvitation } from '../../server/invitations/describe-invitation';
import { issueInvitations } from '../../server/invitations/send-invitations';
import { setInvitationToken } from '../../server/invitations/invitation-tokens';
import { databaseTargets } from '../helpers/databases';

describe.each(databaseTargets)('global lookups on $name', (target) => {
  let db: Database;
  let drop: () => Promise<void>;
  let a: string;
  let b: string;
  let owner: string;

  beforeAll(async () => {
    const created = await target.create();
    drop = created.drop;
    db = await openDatabase(created.url ? { databaseUrl: created.url } : { dataDir: 'memory://' });
    a = (await db.prisma.organization.create({ data: { slug: 'lookup-a', name: 'A' } })).id;
    b = (await db.prisma.organization.create({ data: { slug: 'lookup-b', name: 'B' } })).id;
    owner = (await db.prisma.user.create({ data: { email: 'owner@lookup.test', name: 'Owner' } })).id;
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('authenticates an API key through its lookup, and a lookup pointing at another key opens nothing', async () => {
    const keyA = await createApiKey(db, { organizationId: a, userId: owner }, { name: 'a', scopes: ['usage:write'] }, systemClock);
    const keyB = await createApiKey(db, { organizationId: b, userId: owner }, { name: 'b', scopes: ['usage:write'] }, systemClock);
    expect(await db.prisma.apiKeyLookup.findUnique({ where: { keyHash: hashToken(keyA.key) } })).toEqual({ keyHash: hashToken(keyA.key), organizationId: a, apiKeyId: keyA.id });
    expect(await createApiKeyAuthenticator(db, systemClock)(`Bearer ${keyA.key}`)).toMatchObject({ organizationId: a, apiKeyId: keyA.id });

    // Key A's lookup rewritten to name organization B's key: A's key opens neither.
    await db.query(`update api_key_lookups set organization_id = $1::uuid, api_key_id = $2::uuid where key_hash = $3`, [b, keyB.id, hashToken(keyA.key)]);
    expect(await createApiKeyAuthenticator(db, systemClock)(`Bearer ${keyA.key}`)).toBeNull();
    // Without its lookup row a key is unknown.
    await db.query(`delete from api_key_lookups where key_hash = $1`, [hashToken(keyA.key)]);
    expect(await createApiKeyAuthenticator(db, systemClock)(`Bearer ${keyA.key}`)).toBeNull();
    expect(await createApiKeyAuthenticator(db, systemClock)(`Bearer ${keyB.key}`)).toMatchObject({ organizationId: b });
  });

  it('opens an invitation through its link lookup; a replaced link, or a lookup pointing elsewhere, opens nothing', async () => {
    const now = systemClock.now();
    const [inA] = await db.prisma.$transaction((tx) => issueInvitations(tx, { organizationId: a, userId: owner, role: 'owner' }, [{ email: 'x@lookup.test', role: 'member' }], now));
    const [inB] = await db.prisma.$transaction((tx) => issueInvitations(tx, { organizationId: b, userId: owner, role: 'owner' }, [{ email: 'y@lookup.test', role: 'member' }], now));
    expect(await findUsableInvitation(db.prisma, inA!.token, systemClock)).toMatchObject({ organizationId: a, id: inA!.id });

    // A resend gives a new link and replaces the lookup: the old link is refused.
    const fresh = 'mdi_replacement-token-0123456789';
    await db.prisma.$transaction(async (tx) => {
      await tx.invitation.update({ where: { organizationId_id: { organizationId: a, id: inA!.id } }, data: { tokenHash: hashToken(fresh) } });
      await setInvitationToken(tx, a, inA!.id, hashToken(fresh));
    });
    await expect(findUsableInvitation(db.prisma, inA!.token, systemClock)).rejects.toThrow(/not valid/);
    expect(await findUsableInvitation(db.prisma, fresh, systemClock)).toMatchObject({ organizationId: a, id: inA!.id });
    expect(await db.prisma.invitationToken.count({ where: { organizationId: a, invitationId: inA!.id } })).toBe(1);

    // A's link pointed at B's invitation: it opens neither.
    await db.query(`update invitation_tokens set organization_id = $1::uuid, invitation_id = $2::uuid where token_hash = $3`, [b, inB!.id, hashToken(fresh)]);
    await expect(findUsableInvitation(db.prisma, fresh, systemClock)).rejects.toThrow(/not valid/);
    expect(await findUsableInvitation(db.prisma, inB!.token, systemClock)).toMatchObject({ organizationId: b });
  });
});
