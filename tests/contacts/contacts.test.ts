// Contacts through the API as each role uses them: who sees and changes what under each sharing
// setting, consent and opt-outs with their history, imports that merge by phone, and hand-over when
// a member leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { startTestApp, type MemoryCarrier, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { parseContactCsv } from '../../server/contacts/parse-contact-csv';

describe.each(databaseTargets)('contacts on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const as = (carrier: MemoryCarrier) => t.app.createCaller(carrier);
  const prisma = () => t.app.services.db.prisma;
  const setSharing = (contactSharing: 'shared' | 'personal') => prisma().organization.update({ where: { id: a.organizationId }, data: { contactSharing } });
  const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort();
  const importCsv = async (carrier: MemoryCarrier, csv: string, fileName = 'contacts.csv', extra: Record<string, unknown> = {}) => {
    const { rows } = parseContactCsv(csv);
    return (await as(carrier)).contacts.importRows({ importId: randomUUID(), fileName, rows, ...extra });
  };

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, 'acme');
    b = await seedTenant(t.app, 'bolt');
    await prisma().organization.update({ where: { id: a.organizationId }, data: { billingCountry: 'US' } });
    const create = async (carrier: MemoryCarrier, name: string, phone: string, extra: Record<string, unknown> = {}) => (await as(carrier)).contacts.create({ name, phone, ...extra });
    await create(a.people.owner.carrier, 'Owner’s', '+14155550001');
    await create(a.people.admin.carrier, 'Admin’s', '+14155550002');
    await create(a.people.manager.carrier, 'Manager’s', '+14155550003');
    await create(a.people.member.carrier, 'Member’s', '+14155550004', { tags: ['VIP'] });
    await create(a.people.teammate.carrier, 'Teammate’s', '+14155550005');
    await create(a.people.outsideMember.carrier, 'Outsider’s', '+14155550006');
    await create(a.people.outsideMember.carrier, 'Filed under Support', '+14155550007', { teamId: a.otherTeamId });
    await create(b.people.owner.carrier, 'Bolt’s', '+14155550001');
  });
  afterAll(() => t?.close());

  it('normalises on create, counts contacts_created once per contact, and refuses duplicates and malformed numbers', async () => {
    const member = await as(a.people.member.carrier);
    const { contact } = await member.contacts.create({ name: ' Ana ', phone: '(415) 555-0110', email: 'ANA@Example.com', tags: [' Fair 2026 ', 'fair 2026'] });
    expect(contact).toMatchObject({ name: 'Ana', phone: '+14155550110', country: 'US', email: 'ana@example.com', tags: ['fair 2026'], ownerUserId: a.people.member.userId });
    const before = await databaseFingerprint(t.app);
    await refused(member.contacts.create({ name: 'Dup', phone: '+1 415 555 0110' }), 'CONFLICT', /Ana already has this phone number/);
    await refused(member.contacts.create({ name: 'Bad', phone: '555-CALL-NOW' }), 'BAD_REQUEST', /contains letters/);
    await refused(member.contacts.create({ name: 'Short', phone: '12' }), 'BAD_REQUEST', /too short/);
    await refused(member.contacts.create({ name: 'UK national', phone: '020 7946 0958' }), 'BAD_REQUEST', /not a valid number for US/);
    await refused(member.contacts.create({ name: 'Nothing' }), 'BAD_REQUEST', /phone number or an email/);
    await refused(member.contacts.create({ name: 'Bell\u0007', phone: '+14155550111' }), 'BAD_REQUEST', /control characters/);
    await refused(member.contacts.create({ name: 'Mail', email: 'not-an-email' }), 'BAD_REQUEST', /valid email/);
    await refused(member.contacts.create({ name: 'Tags', phone: '+14155550111', tags: ['ok', 'no,commas'] }), 'BAD_REQUEST', /may hold only/);
    expect(await databaseFingerprint(t.app)).toEqual(before);
    // National format read in a chosen country.
    const uk = await member.contacts.create({ name: 'UK', phone: '020 7946 0958', country: 'GB' });
    expect(uk.contact).toMatchObject({ phone: '+442079460958', country: 'GB' });
    const usage = await t.app.services.db.query<{ n: string }>(`select count(*) as n from usage_events where organization_id = $1 and metric = 'contacts_created' and resource_id = $2`, [a.organizationId, contact.id]);
    expect(Number(usage[0]!.n)).toBe(1);
  });

  it('shows every contact to every contacts role when shared, and only one’s own (managers: their teams’) when personal', async () => {
    await setSharing('shared');
    const all = ['Admin’s', 'Filed under Support', 'Manager’s', 'Member’s', 'Outsider’s', 'Owner’s', 'Teammate’s'];
    const list = async (carrier: MemoryCarrier) => names((await (await as(carrier)).contacts.list({ search: '415555000' })).rows);
    expect(await list(a.people.member.carrier)).toEqual(all);
    expect(await list(a.people.manager.carrier)).toEqual(all);
    // LIKE's wildcards in a search are plain characters.
    expect((await (await as(a.people.member.carrier)).contacts.list({ search: '%' })).rows).toEqual([]);
    expect(names((await (await as(a.people.member.carrier)).contacts.list({ search: 'Filed_under' })).rows)).toEqual([]);
    await refused((await as(a.people.guest.carrier)).contacts.list({}), 'FORBIDDEN');

    await setSharing('personal');
    expect(await list(a.people.member.carrier)).toEqual(['Member’s']);
    expect(await list(a.people.outsideMember.carrier)).toEqual(['Filed under Support', 'Outsider’s']);
    expect(await list(a.people.manager.carrier)).toEqual(['Manager’s', 'Member’s', 'Teammate’s']);
    expect(await list(a.people.admin.carrier)).toEqual(all);
    expect(await list(a.people.owner.carrier)).toEqual(all);
    // Another organization's contacts never show, even with the same number.
    expect(names((await (await as(b.people.owner.carrier)).contacts.list({})).rows)).toEqual(['Bolt’s']);
    await setSharing('shared');
  });

  it('lets members change only their own, managers their teams’, admins all; foreign ids are missing', async () => {
    const find = async (name: string) => (await prisma().contact.findFirst({ where: { organizationId: a.organizationId, name } }))!;
    const [mine, teammates, outsiders, owners] = await Promise.all([find('Member’s'), find('Teammate’s'), find('Outsider’s'), find('Owner’s')]);
    const bolts = (await prisma().contact.findFirst({ where: { organizationId: b.organizationId } }))!;
    const member = await as(a.people.member.carrier);
    const manager = await as(a.people.manager.carrier);
    const admin = await as(a.people.admin.carrier);
    const before = await databaseFingerprint(t.app);
    await refused(member.contacts.update({ id: teammates.id, name: 'Hijacked' }), 'FORBIDDEN', /only change your own/);
    await refused(member.contacts.delete({ ids: [mine.id, teammates.id] }), 'FORBIDDEN', /1 of these contacts are not yours/);
    await refused(member.contacts.tag({ ids: [teammates.id], add: ['x'] }), 'FORBIDDEN');
    await refused(member.contacts.changeConsent({ id: teammates.id, action: 'opt_out' }), 'FORBIDDEN');
    await refused(manager.contacts.update({ id: outsiders.id, name: 'Hijacked' }), 'FORBIDDEN');
    await refused(manager.contacts.update({ id: owners.id, name: 'Hijacked' }), 'FORBIDDEN');
    await refused(member.contacts.update({ id: mine.id, ownerUserId: a.people.teammate.userId }), 'FORBIDDEN', /Members own the contacts they add/);
    await refused(manager.contacts.update({ id: mine.id, ownerUserId: a.people.outsideMember.userId }), 'FORBIDDEN', /only to members of the teams they manage/);
    await refused(member.contacts.update({ id: mine.id, teamId: a.otherTeamId }), 'FORBIDDEN', /teams you belong to/);
    // Another organization's ids: contact, owner, team.
    await refused(admin.contacts.get({ id: bolts.id }), 'NOT_FOUND');
    await refused(admin.contacts.update({ id: bolts.id, name: 'Hijacked' }), 'NOT_FOUND');
    await refused(admin.contacts.delete({ ids: [bolts.id] }), 'NOT_FOUND');
    await refused(admin.contacts.update({ id: mine.id, ownerUserId: b.people.member.userId }), 'NOT_FOUND', /not a member of this organization/);
    await refused(admin.contacts.update({ id: mine.id, teamId: b.managedTeamId }), 'NOT_FOUND', /team does not exist/);
    await refused(admin.contacts.create({ name: 'X', phone: '+14155550120', ownerUserId: b.people.member.userId }), 'NOT_FOUND');
    await refused(admin.contacts.importRows({ importId: randomUUID(), fileName: 'x.csv', teamId: b.managedTeamId, rows: [{ line: 2, phone: '+14155550121' }] }), 'NOT_FOUND');
    expect(await databaseFingerprint(t.app)).toEqual(before);

    expect((await manager.contacts.update({ id: teammates.id, tags: ['Warm lead'] })).contact.tags).toEqual(['warm lead']);
    expect((await manager.contacts.update({ id: mine.id, ownerUserId: a.people.teammate.userId })).contact.ownerUserId).toBe(a.people.teammate.userId);
    expect((await admin.contacts.update({ id: mine.id, ownerUserId: a.people.member.userId, teamId: a.managedTeamId })).contact.teamId).toBe(a.managedTeamId);
    const audit = await prisma().auditEvent.findMany({ where: { organizationId: a.organizationId, action: 'contact.change_owner' } });
    expect(audit).toHaveLength(2);
  });

  it('opts out with a row in sms_opt_outs and history; opting back in needs consent with a source and a note', async () => {
    const member = await as(a.people.member.carrier);
    const { contact } = await member.contacts.create({ name: 'Consenting', phone: '+14155550130', consent: { source: 'web_form', detail: 'Signup page' } });
    expect(contact).toMatchObject({ consentSms: true, consentSource: 'web_form', optOutSms: false });
    await member.contacts.changeConsent({ id: contact.id, action: 'opt_out' });
    let got = await member.contacts.get({ id: contact.id });
    expect(got.contact).toMatchObject({ optOutSms: true, consentSms: false });
    expect(got.optOutListed).toMatchObject({ source: 'manual' });
    await refused(member.contacts.changeConsent({ id: contact.id, action: 'opt_out' }), 'CONFLICT', /already opted out/);
    await refused(member.contacts.changeConsent({ id: contact.id, action: 'grant', source: 'verbal' }), 'BAD_REQUEST', /say how the person gave consent again/);
    await refused(member.contacts.changeConsent({ id: contact.id, action: 'grant', source: 'keyword' as never, detail: 'x' }), 'BAD_REQUEST');
    await member.contacts.changeConsent({ id: contact.id, action: 'grant', source: 'paper_form', detail: 'Signed form 123' });
    got = await member.contacts.get({ id: contact.id });
    expect(got.contact).toMatchObject({ optOutSms: false, consentSms: true, consentSource: 'paper_form' });
    expect(got.optOutListed).toBeNull();
    expect(got.history.map((h) => [h.change, h.source])).toEqual([
      ['opted_in', 'paper_form'],
      ['opted_out', 'manual'],
      ['consent_granted', 'web_form'],
    ]);

    // A number on the opt-out list (e.g. a STOP reply before the contact existed) makes an opted-out contact, and stays out after delete and re-create.
    await member.contacts.changeConsent({ id: contact.id, action: 'opt_out' });
    await member.contacts.delete({ ids: [contact.id] });
    const again = await member.contacts.create({ name: 'Back again', phone: '+1 415 555 0130', consent: { source: 'manual' } });
    expect(again.createdOptedOut).toBe(true);
    expect(again.contact).toMatchObject({ optOutSms: true, consentSms: false });
    expect((await member.contacts.get({ id: again.contact.id })).history[0]).toMatchObject({ change: 'opted_out' });
  });

  it('imports a file: merges duplicates by phone, unions tags, never lifts an opt-out, sets consent only where the file says so', async () => {
    const member = a.people.member.carrier;
    const api = await as(member);
    const existing = await api.contacts.create({ name: 'Existing', phone: '+14155550140', email: 'old@example.com', tags: ['old'], consent: { source: 'web_form' } });
    const optedOut = await api.contacts.create({ name: 'Out', phone: '+14155550141' });
    await api.contacts.changeConsent({ id: optedOut.contact.id, action: 'opt_out' });
    const csv = [
      'Full Name,Mobile,E-mail,Tags,SMS Consent',
      'New Person,(415) 555-0142,new@example.com,"vip, Fair",yes',
      'Existing Renamed,415-555-0140,,Fair;new,',
      'Out Again,+1 415 555 0141,,,yes',
      'Dup of new,+14155550142,,second,',
      'Broken,555-CALL,,,',
      'No consent said,+14155550143,,,no',
    ].join('\n');
    const result = await importCsv(member, csv, 'fair.csv', { tagsForAll: ['Fair 2026'] });
    expect(result).toMatchObject({ created: 2, updated: 2, duplicates: 1, keptOptedOut: 1 });
    expect(result.errors).toEqual([{ line: 6, errors: [expect.stringMatching(/contains letters/)] }]);
    const byPhone = async (phone: string) => (await prisma().contact.findUnique({ where: { organizationId_phone: { organizationId: a.organizationId, phone } } }))!;
    expect(await byPhone('+14155550142')).toMatchObject({ name: 'Dup of new', email: 'new@example.com', tags: ['vip', 'fair', 'fair 2026', 'second'], consentSms: true, consentSource: 'import', ownerUserId: a.people.member.userId });
    expect(await byPhone('+14155550140')).toMatchObject({ name: 'Existing Renamed', email: 'old@example.com', tags: ['old', 'fair', 'new', 'fair 2026'], consentSms: true, consentSource: 'web_form' });
    expect(await byPhone('+14155550141')).toMatchObject({ name: 'Out Again', optOutSms: true, consentSms: false });
    expect(await byPhone('+14155550143')).toMatchObject({ consentSms: false });
    const events = await prisma().contactConsentEvent.findMany({ where: { organizationId: a.organizationId, source: 'import' } });
    expect(events.map((e) => [e.phone, e.change, e.detail])).toEqual([['+14155550142', 'consent_granted', 'fair.csv']]);
    // The same file again: nothing new is created or counted.
    const again = await importCsv(member, csv, 'fair.csv', { tagsForAll: ['Fair 2026'] });
    expect(again).toMatchObject({ created: 0, updated: 4 });
    const usage = await t.app.services.db.query<{ n: string }>(`select sum(quantity) as n from usage_events where organization_id = $1 and metric = 'contacts_created'`, [a.organizationId]);
    expect(Number(usage[0]!.n)).toBe(await prisma().contact.count({ where: { organizationId: a.organizationId } }) + 1 /* the deleted one */);
    expect(await prisma().auditEvent.count({ where: { organizationId: a.organizationId, action: 'contacts.import' } })).toBe(2);
    // A file revoking consent revokes it, with history.
    await importCsv(member, 'phone,consent\n+14155550140,no\n', 'revoke.csv');
    expect(await byPhone('+14155550140')).toMatchObject({ consentSms: false, consentSource: 'import' });
    expect(existing.contact.id).toBe((await byPhone('+14155550140')).id);
  });

  it('takes hostile files apart line by line: formulas stay text, control characters and huge cells are refused, oversized uploads write nothing', async () => {
    const csv = ['name,phone,email,tags', '"=cmd|\' /C calc\'!A0",+14155550160,,', `"Esc\u001b[31m",+14155550161,,`, `${'y'.repeat(5000)},+14155550162,,`, 'Tags,+14155550163,,"ok,=HYPERLINK(1)"', `Nul,+14155550164,a\u0000@example.com,`].join('\n');
    const result = await importCsv(a.people.admin.carrier, csv, 'hostile.csv');
    expect(result.created).toBe(1);
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect((await prisma().contact.findFirst({ where: { organizationId: a.organizationId, phone: '+14155550160' } }))!.name).toBe("=cmd|' /C calc'!A0");
    const before = await databaseFingerprint(t.app);
    const admin = await as(a.people.admin.carrier);
    await refused(admin.contacts.importRows({ importId: randomUUID(), fileName: 'big.csv', rows: Array.from({ length: 2001 }, (_, i) => ({ line: i + 2, phone: '+14155550170' })) }), 'BAD_REQUEST', /at most 2000 rows/);
    await refused(admin.contacts.importRows({ importId: randomUUID(), fileName: 'big.csv', rows: [{ line: 2, phone: '+14155550171', name: 'z'.repeat(1_000_000) }] }), 'BAD_REQUEST', /longer than 1000/);
    await refused(admin.contacts.importRows({ importId: 'not-a-uuid', fileName: 'x.csv', rows: [] }), 'BAD_REQUEST');
    expect(await databaseFingerprint(t.app)).toEqual(before);
  });

  it('previews rows without writing, and leaves contacts the importer may not change alone', async () => {
    await setSharing('personal');
    const outsider = await as(a.people.outsideMember.carrier);
    const before = await databaseFingerprint(t.app);
    const preview = await outsider.contacts.previewImport({ rows: parseContactCsv('name,phone\nMine,+14155550006\nTheirs,+14155550004\nNew,+14155550150\nBad,abc\n').rows });
    expect(preview.rows.map((r) => r.action)).toEqual(['update', 'error', 'create', 'error']);
    expect(await databaseFingerprint(t.app)).toEqual(before);
    const result = await importCsv(a.people.outsideMember.carrier, 'name,phone\nTheirs renamed,+14155550004\n');
    expect(result).toMatchObject({ created: 0, updated: 0, errors: [{ line: 2, errors: [expect.stringMatching(/not yours to change/)] }] });
    expect((await prisma().contact.findFirst({ where: { organizationId: a.organizationId, phone: '+14155550004' } }))!.name).toBe('Member’s');
    await setSharing('shared');
  });

  it('adds and removes tags in bulk and lists tag counts; bulk delete is all or nothing', async () => {
    const manager = await as(a.people.manager.carrier);
    const ids = (await prisma().contact.findMany({ where: { organizationId: a.organizationId, ownerUserId: { in: [a.people.member.userId, a.people.teammate.userId] } } })).map((c) => c.id);
    expect(await manager.contacts.tag({ ids, add: ['Campaign A'], remove: ['old'] })).toEqual({ updated: ids.length });
    const tags = await manager.contacts.tags();
    expect(tags.find((x) => x.tag === 'campaign a')?.count).toBe(ids.length);
    expect(tags.find((x) => x.tag === 'old')).toBeUndefined();
    const filtered = await manager.contacts.list({ tag: 'campaign a', limit: 2 });
    expect(filtered.total).toBe(ids.length);
    // Keyset pagination walks every row once.
    const seen: string[] = [];
    let cursor = undefined as undefined | { id: string; name?: string; createdAt?: Date };
    do {
      const page = await manager.contacts.list({ tag: 'campaign a', limit: 2, cursor });
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`);
    await refused(manager.contacts.tag({ ids, add: many }), 'BAD_REQUEST', /at most 20 tags/);
  });

  it('hands a removed member’s contacts to another member', async () => {
    const owner = await as(a.people.owner.carrier);
    const teammate = a.people.teammate;
    const owned = await prisma().contact.count({ where: { organizationId: a.organizationId, ownerUserId: teammate.userId } });
    expect(owned).toBeGreaterThan(0);
    await refused(owner.members.remove({ membershipId: teammate.membershipId }), 'BAD_REQUEST', /owns \d+ contacts/);
    const result = await owner.members.remove({ membershipId: teammate.membershipId, transferToMembershipId: a.people.member.membershipId });
    expect(result.contacts).toBe(owned);
    expect(await prisma().contact.count({ where: { organizationId: a.organizationId, ownerUserId: teammate.userId } })).toBe(0);
    const handed = await prisma().contact.findMany({ where: { organizationId: a.organizationId, ownerUserId: a.people.member.userId } });
    // Consent, opt-out and tags travel with the contact.
    expect(handed.some((c) => c.tags.includes('campaign a'))).toBe(true);
  });
});
