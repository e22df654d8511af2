// Tenant isolation, proven for every procedure of the app router. The list of procedures is read
// from the router at run time: a procedure added without an entry below fails this test.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../server/api/root';
import { createSession } from '../../server/auth/create-session';
import { newToken } from '../../server/auth/session-tokens';
import { ORG_PERMISSIONS, ORG_ROLES, orgRoleCan, type OrgPermission } from '../../server/permissions/permissions';
import { databaseTargets } from '../helpers/databases';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { catalogPlanTerms } from '../../server/plan-lab/plan-terms';

interface Fixture {
  a: Tenant;
  b: Tenant;
  apiKeyId: string;
  invitationId: string;
  invitationToken: string;
  contactId: string;
  /** Organization A's notification (for its member), webhook endpoint and one of its deliveries. */
  notificationId: string;
  webhookEndpointId: string;
  webhookDeliveryId: string;
  /** A's reply waiting for a revocation review. */
  smsReviewId: string;
  /** A draft campaign of A's owner. */
  campaignId: string;
  /** An export of A's owner, and a scheduled export of A's manager. */
  exportRunId?: string;
  exportScheduleId?: string;
}

type Input = (f: Fixture) => unknown;

/** Org-scoped procedures: the input each is called with, aimed at organization A's rows. */
const ORG_PROCEDURES: Record<string, Input> = {
  'organization.overview': () => undefined,
  'organization.settings': () => undefined,
  'organization.billingProfile': () => undefined,
  'organization.updateSettings': () => ({ name: 'Renamed by intruder' }),
  'organization.updateBillingProfile': () => ({ billingEmail: 'intruder@evil.test' }),
  'members.list': () => ({}),
  'members.get': (f) => ({ membershipId: f.a.people.outsideMember.membershipId }),
  'members.changeRole': (f) => ({ membershipId: f.a.people.member.membershipId, role: 'admin' }),
  'members.setStatus': (f) => ({ membershipId: f.a.people.member.membershipId, status: 'deactivated' }),
  'members.remove': (f) => ({ membershipId: f.a.people.guest.membershipId }),
  'members.transferResources': (f) => ({ fromMembershipId: f.a.people.member.membershipId, toMembershipId: f.a.people.teammate.membershipId }),
  'members.setLimits': (f) => ({ membershipId: f.a.people.member.membershipId, limits: [{ metric: 'sms_sent', limit: 5 }] }),
  'teams.list': () => ({}),
  'teams.create': () => ({ name: 'Intruders' }),
  'teams.update': (f) => ({ teamId: f.a.otherTeamId, name: 'Renamed' }),
  'teams.addMember': (f) => ({ teamId: f.a.otherTeamId, email: f.a.people.member.email }),
  'teams.removeMember': (f) => ({ teamId: f.a.otherTeamId, userId: f.a.people.outsideMember.userId }),
  'teams.setBudgets': (f) => ({ teamId: f.a.managedTeamId, budgets: [{ metric: 'sms_sent', limit: 1 }] }),
  'invitations.list': () => undefined,
  'invitations.create': () => ({ email: 'newcomer@elsewhere.test', role: 'member' }),
  'invitations.previewCsv': () => ({ csv: 'email,role\nnewcomer@elsewhere.test,member\n' }),
  'invitations.createMany': () => ({ invitations: [{ email: 'newcomer@elsewhere.test', role: 'member' }] }),
  'invitations.resend': (f) => ({ invitationId: f.invitationId }),
  'invitations.revoke': (f) => ({ invitationId: f.invitationId }),
  'invitations.revokeMany': (f) => ({ invitationIds: [f.invitationId] }),
  'invitations.resendMany': (f) => ({ invitationIds: [f.invitationId] }),
  'outbox.list': () => undefined,
  'audit.list': () => ({}),
  'apiKeys.list': () => undefined,
  'apiKeys.create': () => ({ name: 'Intruder key', scopes: ['usage:write'] }),
  'apiKeys.revoke': (f) => ({ apiKeyId: f.apiKeyId }),
  'usage.summary': () => ({}),
  'usage.entitlements': () => undefined,
  'billingOverage.overview': () => undefined,
  'billing.overview': () => undefined,
  'billing.accessStatus': () => undefined,
  'billing.invoices': () => undefined,
  'billing.startCheckout': () => ({ planKey: 'growth', interval: 'month' }),
  'billing.checkoutStatus': () => ({ sessionId: 'cs_test_a1b2c3' }),
  'billing.previewChange': () => ({ planKey: 'growth', interval: 'month' }),
  'billing.changePlan': () => ({ planKey: 'growth', interval: 'month', when: 'now' }),
  'billing.cancel': () => undefined,
  'billing.resume': () => undefined,
  'billing.openPortal': () => ({ flow: 'payment_method_update' }),
  'organization.deletionStatus': () => undefined,
  'organization.transferOwnership': (f) => ({ membershipId: f.a.people.member.membershipId }),
  'organization.scheduleDeletion': () => ({ confirmName: 'alpha Inc' }),
  'organization.cancelDeletion': () => undefined,
  'campaigns.list': () => ({}),
  'campaigns.get': (f) => ({ campaignId: f.campaignId }),
  'campaigns.messages': (f) => ({ campaignId: f.campaignId }),
  'campaigns.audienceTags': () => undefined,
  'campaigns.preview': () => ({ name: 'Probe', body: 'Hello' }),
  'campaigns.create': () => ({ name: 'Intruder campaign', body: 'Hello' }),
  'campaigns.update': (f) => ({ campaignId: f.campaignId, name: 'Hijacked', body: 'Send money' }),
  'campaigns.launch': (f) => ({ campaignId: f.campaignId }),
  'campaigns.pause': (f) => ({ campaignId: f.campaignId }),
  'campaigns.resume': (f) => ({ campaignId: f.campaignId }),
  'campaigns.cancel': (f) => ({ campaignId: f.campaignId }),
  'campaigns.reviewUnknown': (f) => ({ campaignId: f.campaignId, messageIds: [f.campaignId], outcome: 'failed' }),
  'contacts.list': () => ({}),
  'contacts.get': (f) => ({ id: f.contactId }),
  'contacts.tags': () => undefined,
  'contacts.assignees': () => undefined,
  'contacts.create': () => ({ name: 'Intruder', phone: '+14155550199' }),
  'contacts.update': (f) => ({ id: f.contactId, name: 'Renamed by intruder' }),
  'contacts.delete': (f) => ({ ids: [f.contactId] }),
  'contacts.tag': (f) => ({ ids: [f.contactId], add: ['intruder'] }),
  'contacts.changeConsent': (f) => ({ id: f.contactId, action: 'opt_out' }),
  'contacts.previewImport': () => ({ rows: [{ line: 2, phone: '+14155550100', name: 'Probe' }] }),
  'contacts.importRows': () => ({ importId: '0193a000-0000-7000-8000-000000000001', fileName: 'intruder.csv', rows: [{ line: 2, phone: '+14155550100', name: 'Intruder' }] }),
  'contacts.exportCsv': () => ({}),
  // Usage dashboards (usage:read_own; the reach inside is checked per role in tests/insight/usage-dashboards.test.ts).
  'usage.overview': (f) => ({ scope: 'team', id: f.a.otherTeamId }),
  'usage.breakdown': (f) => ({ scope: 'team', id: f.a.otherTeamId, metric: 'sms_sent' }),
  'usage.events': (f) => ({ userId: f.a.people.outsideMember.userId }),
  'alerts.banner': () => undefined,
  'alerts.list': () => ({}),
  'alerts.settings': () => undefined,
  'alerts.updateSettings': () => ({ spikeMultiplier: 50 }),
  'notifications.list': () => ({}),
  'notifications.unreadCount': () => undefined,
  'notifications.markRead': (f) => ({ ids: [f.notificationId] }),
  'webhooks.list': () => undefined,
  'webhooks.create': () => ({ url: 'https://example.com/intruder', events: ['member.invited'] }),
  'webhooks.update': (f) => ({ endpointId: f.webhookEndpointId, url: 'https://example.com/intruder' }),
  'webhooks.delete': (f) => ({ endpointId: f.webhookEndpointId }),
  'webhooks.deliveries': (f) => ({ endpointId: f.webhookEndpointId }),
  'webhooks.replay': (f) => ({ deliveryId: f.webhookDeliveryId }),
  'webhooks.sendTest': (f) => ({ endpointId: f.webhookEndpointId }),
  'webhooks.setSettings': () => ({ allowPrivateTargets: true }),
  // SMS (Settings → Channels → SMS). Ordered so B never holds keys when a provider call would run.
  'sms.channel': () => undefined,
  'sms.testConnection': () => undefined,
  'sms.senders': () => undefined,
  'sms.syncOptOuts': () => undefined,
  'sms.updateChannel': () => ({ region: 'us-east-1', defaultSmsType: 'Promotional', senderId: null, originationNumber: '+18445550100', partsPerSecond: 3, topicArn: 'arn:aws:sns:us-east-1:123456789012:alpha-sms', helpText: 'Alpha: help@alpha.test. Msg & data rates may apply.', complianceFooter: 'Reply STOP to opt out', quietHoursStart: 21, quietHoursEnd: 8 }),
  'sms.reviews': () => undefined,
  'sms.resolveReview': (f) => ({ id: f.smsReviewId, decision: 'opt_out' }),
  'sms.saveCredentials': () => ({ accessKeyId: 'AKIAINTRUDER00000000', secretAccessKey: 'intruderintruderintruderintruderintruder', region: 'us-east-1' }),
  'sms.deleteCredentials': () => undefined,
  // Audit viewer (tamper-evident chain, filters, export) and the tenant's view of impersonations.
  'audit.actors': () => undefined,
  'audit.chainState': () => undefined,
  'audit.export': (f) => ({ actorUserId: f.a.people.owner.userId }),
  'audit.impersonations': () => undefined,
  // Exports (usage:read_own; the reach inside is checked per role in tests/exports/exports.test.ts).
  'exports.start': (f) => ({ scope: 'team', id: f.a.otherTeamId, period: '2026-11', format: 'csv' }),
  'exports.progress': (f) => ({ runId: f.exportRunId }),
  'exports.cancel': (f) => ({ runId: f.exportRunId }),
  'exports.history': () => ({}),
  'exports.schedules': () => undefined,
  'exports.createSchedule': (f) => ({ scope: 'team', id: f.a.otherTeamId }),
  'exports.createScheduleInChosenFolder': (f) => ({ scope: 'team', id: f.a.otherTeamId }),
  'exports.deleteSchedule': (f) => ({ scheduleId: f.exportScheduleId }),
  'exports.billingHistory': () => undefined,
  'exports.saveCopy': (f) => ({ runId: f.exportRunId }),

};

/** Procedures outside any organization, each with why it is safe and how that is checked. */
const OTHER_PROCEDURES: Record<string, { why: string; check: (t: TestApp, f: Fixture) => Promise<void> }> = {
  'setup.status': { why: 'public: says only whether first-run setup is needed', check: async (t) => expect(await call(t, new MemoryCarrier(), 'setup.status')).toMatchObject({ needsSetup: false }) },
  'setup.completeFirstRun': {
    why: 'only on an empty database',
    check: async (t) => refusedWithoutWrites(t, new MemoryCarrier(), 'setup.completeFirstRun', { name: 'Eve', email: 'eve@evil.test', password: 'takeover-pass-1', organizationName: 'Evil' }, ['PRECONDITION_FAILED']),
  },
  'setup.loadDemoData': { why: 'only on an empty database', check: async (t) => refusedWithoutWrites(t, new MemoryCarrier(), 'setup.loadDemoData', undefined, ['PRECONDITION_FAILED']) },
  'auth.me': {
    why: 'describes the caller only',
    check: async (t, f) => {
      const me = JSON.stringify(await call(t, f.b.people.owner.carrier, 'auth.me'));
      expect(me).not.toContain(f.a.organizationId);
      expect(me).not.toContain(f.a.slug);
    },
  },
  'auth.signUp': { why: 'creates a new, separate organization', check: async (t, f) => refusedWithoutWrites(t, new MemoryCarrier(), 'auth.signUp', { name: 'X', email: f.a.people.owner.email, password: 'another-pass-1', organizationName: 'Takeover' }, ['CONFLICT']) },
  'auth.signIn': { why: 'needs the account’s password', check: async (t, f) => refusedWithoutWrites(t, new MemoryCarrier(), 'auth.signIn', { email: f.a.people.owner.email, password: 'guess-1234' }, ['UNAUTHORIZED'], ['sign_in_throttles']) },
  'auth.signOut': { why: 'ends the caller’s own session', check: async (t, f) => expectOthersUntouched(t, f, 'auth.signOut') },
  'auth.signOutEverywhere': { why: 'ends the caller’s own sessions', check: async (t, f) => expectOthersUntouched(t, f, 'auth.signOutEverywhere') },
  'organization.switch': { why: 'only to organizations the caller belongs to', check: async (t, f) => refusedWithoutWrites(t, f.b.people.owner.carrier, 'organization.switch', { organizationId: f.a.organizationId }, ['NOT_FOUND']) },
  'settings.database': {
    why: 'public: database kind and a redacted URL, never a password',
    check: async (t) => expect(JSON.stringify(await call(t, new MemoryCarrier(), 'settings.database'))).not.toMatch(/password|:[^@/]*@/),
  },
  'settings.saveDatabaseConnection': {
    why: 'super admins only once set up',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'settings.saveDatabaseConnection', { url: 'postgresql://evil@127.0.0.1:5432/evil' }, ['FORBIDDEN']),
  },
  'platform.grantCredits': {
    why: 'platform staff only: an organization owner cannot grant themselves credits',
    check: async (t, f) =>
      refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.grantCredits', { organizationId: f.a.organizationId, metric: 'sms_sent', amount: 1000, reason: 'free money' }, ['FORBIDDEN']),
  },
  'platform.setQuotaOverride': {
    why: 'platform staff only',
    check: async (t, f) =>
      refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.setQuotaOverride', { organizationId: f.a.organizationId, metric: 'sms_sent', limit: null, endsAt: new Date(Date.now() + 86_400_000), reason: 'unlimited please' }, ['FORBIDDEN']),
  },
  'platform.revokeQuotaOverride': {
    why: 'platform staff only',
    check: async (t, f) =>
      refusedWithoutWrites(t, f.a.people.admin.carrier, 'platform.revokeQuotaOverride', { organizationId: f.b.organizationId, overrideId: f.apiKeyId, reason: 'because' }, ['FORBIDDEN']),
  },
  'auth.options': {
    why: 'public: whether sign-up is open and reset goes by email; nothing about any account',
    check: async (t) => expect(Object.keys((await call(t, new MemoryCarrier(), 'auth.options')) as object).sort()).toEqual(['passwordResetByEmail', 'signUpOpen']),
  },
  'auth.requestPasswordReset': {
    why: 'the same answer for every email; without SMTP nothing is issued',
    check: async (t, f) => {
      const before = await databaseFingerprint(t.app);
      const known = await call(t, new MemoryCarrier(), 'auth.requestPasswordReset', { email: f.a.people.owner.email });
      expect(await call(t, new MemoryCarrier(), 'auth.requestPasswordReset', { email: 'nobody@nowhere.test' })).toEqual(known);
      expect(await databaseFingerprint(t.app)).toEqual(before);
    },
  },
  'auth.describePasswordReset': {
    why: 'the link is the credential; an unknown token learns nothing',
    check: async (t) => refusedWithoutWrites(t, new MemoryCarrier(), 'auth.describePasswordReset', { token: newToken('mdr').token }, ['NOT_FOUND']),
  },
  'auth.resetPassword': {
    why: 'the link is the credential; an unknown token is refused',
    check: async (t) => refusedWithoutWrites(t, new MemoryCarrier(), 'auth.resetPassword', { token: newToken('mdr').token, password: 'copper-meadow-signal-42' }, ['NOT_FOUND']),
  },
  'account.sessions': {
    why: 'lists the caller’s own sessions only',
    check: async (t, f) => {
      const mine = JSON.stringify(await call(t, f.b.people.owner.carrier, 'account.sessions'));
      const theirs = await t.app.services.db.prisma.session.findMany({ where: { userId: { not: f.b.people.owner.userId } }, select: { id: true } });
      for (const { id } of theirs) expect(mine).not.toContain(id);
    },
  },
  'account.revokeSession': {
    why: 'only the caller’s own sessions: another user’s session id is not found',
    check: async (t, f) => {
      const victim = await t.app.services.db.prisma.session.findFirstOrThrow({ where: { userId: f.a.people.owner.userId, revokedAt: null } });
      await refusedWithoutWrites(t, f.b.people.owner.carrier, 'account.revokeSession', { sessionId: victim.id }, ['NOT_FOUND']);
    },
  },
  'account.changePassword': {
    why: 'the caller’s own password, and only with the current one',
    check: async (t, f) =>
      refusedWithoutWrites(t, f.b.people.guest.carrier, 'account.changePassword', { currentPassword: 'guess-1234', newPassword: 'copper-meadow-signal-42' }, ['BAD_REQUEST'], ['sign_in_throttles']),
  },
  // Platform billing actions: staff only (the role per action is tested in tests/billing/platform-billing.test.ts).
  'platform.setTenantPlan': {
    why: 'super admins only: an owner cannot put their organization on a plan without paying',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.setTenantPlan', { organizationId: f.a.organizationId, planKey: 'enterprise', reason: 'free upgrade', requestId: '00000000-0000-4000-8000-000000000001' }, ['FORBIDDEN']),
  },
  'platform.extendTrial': {
    why: 'platform support only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.extendTrial', { organizationId: f.a.organizationId, trialEndsAt: new Date(Date.now() + 30 * 86_400_000), reason: 'longer trial', requestId: '00000000-0000-4000-8000-000000000002' }, ['FORBIDDEN']),
  },
  'platform.applyBillingCredit': {
    why: 'platform support and finance only: an owner cannot credit their own bill',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.applyBillingCredit', { organizationId: f.a.organizationId, amountMinor: 100_000, reason: 'free money', requestId: '00000000-0000-4000-8000-000000000003' }, ['FORBIDDEN']),
  },
  'platform.refundInvoice': {
    why: 'platform finance only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.refundInvoice', { organizationId: f.a.organizationId, invoiceId: 'in_123', amountMinor: 100, reason: 'money back', requestId: '00000000-0000-4000-8000-000000000004' }, ['FORBIDDEN']),
  },
  'platform.suspendTenant': {
    why: 'platform support only: an admin cannot suspend another tenant (or their own)',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.admin.carrier, 'platform.suspendTenant', { organizationId: f.b.organizationId, reason: 'sabotage', requestId: '00000000-0000-4000-8000-000000000005' }, ['FORBIDDEN']),
  },
  'platform.unsuspendTenant': {
    why: 'platform support only: a suspended tenant cannot lift its own suspension',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.unsuspendTenant', { organizationId: f.a.organizationId, reason: 'let us back in', requestId: '00000000-0000-4000-8000-000000000006' }, ['FORBIDDEN']),
  },
  'platform.issuePasswordResetLink': {
    why: 'platform support only: an organization owner cannot take over a member’s account',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.issuePasswordResetLink', { email: f.a.people.member.email, reason: 'let me in' }, ['FORBIDDEN']),
  },
  'platform.settings': { why: 'super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.settings', undefined, ['FORBIDDEN']) },
  'platform.setInviteOnly': {
    why: 'super admins only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.setInviteOnly', { inviteOnly: false }, ['FORBIDDEN']),
  },
  'platform.trialSettings': { why: 'super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.trialSettings', undefined, ['FORBIDDEN']) },
  'platform.setTrialSettings': {
    why: 'super admins only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.setTrialSettings', { trialDays: 365, trialEndWithoutPaymentMethod: 'pause' }, ['FORBIDDEN']),
  },
  'platform.usageRetention': { why: 'super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.usageRetention', undefined, ['FORBIDDEN']) },
  'platform.setUsageRetention': {
    why: 'super admins only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.setUsageRetention', { months: 3 }, ['FORBIDDEN']),
  },
  'platform.listTenants': { why: 'platform staff only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.listTenants', { search: 'bravo' }, ['FORBIDDEN']) },
  'platform.tenantUsage': {
    why: 'platform staff only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platform.tenantUsage', { organizationId: f.b.organizationId }, ['FORBIDDEN']),
  },
  // Platform administration (issue 11): tenant users of every role are refused (tests/platform/platform-admin.test.ts checks every role).
  'platformAdmin.staff': { why: 'super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.staff', undefined, ['FORBIDDEN']) },
  'platformAdmin.inviteStaff': {
    why: 'super admins only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.inviteStaff', { email: f.a.people.admin.email, name: 'Me', role: 'super_admin', reason: 'promote myself' }, ['FORBIDDEN']),
  },
  'platformAdmin.changeStaffRole': {
    why: 'super admins only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.admin.carrier, 'platformAdmin.changeStaffRole', { userId: f.a.people.admin.userId, role: 'super_admin', reason: 'promote myself' }, ['FORBIDDEN']),
  },
  'platformAdmin.revokeStaff': {
    why: 'super admins only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.revokeStaff', { userId: f.b.people.owner.userId, reason: 'remove' }, ['FORBIDDEN']),
  },
  'platformAdmin.tenantDetail': {
    why: 'platform staff only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.tenantDetail', { organizationId: f.b.organizationId }, ['FORBIDDEN']),
  },
  'platformAdmin.tenantAuditTrail': {
    why: 'platform staff only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.tenantAuditTrail', { organizationId: f.b.organizationId }, ['FORBIDDEN']),
  },
  'platformAdmin.addNote': {
    why: 'platform support only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.addNote', { organizationId: f.b.organizationId, body: 'defamation' }, ['FORBIDDEN']),
  },
  'platformAdmin.searchUsers': { why: 'platform support only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.searchUsers', { query: 'bravo' }, ['FORBIDDEN']) },
  'platformAdmin.revenue': { why: 'platform finance only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.revenue', { months: 12 }, ['FORBIDDEN']) },
  'platformAdmin.usage': { why: 'platform staff only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.usage', { days: 30, metric: 'sms_sent' }, ['FORBIDDEN']) },
  'platformAdmin.health': { why: 'platform staff only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.health', undefined, ['FORBIDDEN']) },
  'platformAdmin.resendInvitation': {
    why: 'platform support only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.admin.carrier, 'platformAdmin.resendInvitation', { organizationId: f.a.organizationId, invitationId: f.invitationId, reason: 'resend', requestId: '00000000-0000-4000-8000-000000000011' }, ['FORBIDDEN']),
  },
  'platformAdmin.endUserSessions': {
    why: 'platform support only; nobody is signed out',
    check: async (t, f) => {
      await refusedWithoutWrites(t, f.a.people.owner.carrier, 'platformAdmin.endUserSessions', { userId: f.b.people.owner.userId, reason: 'sabotage' }, ['FORBIDDEN']);
      expect(await call(t, f.b.people.owner.carrier, 'auth.me')).not.toBeNull();
    },
  },
  'planLabReplay.run': {
    why: 'platform finance and super admins only: no tenant replays another tenant’s usage and invoices',
    check: async (t, f) =>
      refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLabReplay.run', { draft: catalogPlanTerms('starter'), compareWith: catalogPlanTerms('starter'), months: 1, organizationIds: [f.b.organizationId] }, ['FORBIDDEN']),
  },
  'connections.list': { why: 'super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'connections.list', undefined, ['FORBIDDEN']) },
  'connections.save': {
    why: 'super admins only; the keychain is untouched',
    check: async (t, f) => {
      await refusedWithoutWrites(t, f.a.people.owner.carrier, 'connections.save', { name: 'stripe.secret_key', secret: 'sk_test_attacker0000' }, ['FORBIDDEN']);
      expect(await t.app.services.keychain.get('connection:stripe.secret_key')).toBeUndefined();
    },
  },
  'connections.delete': { why: 'super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.admin.carrier, 'connections.delete', { name: 'stripe.secret_key' }, ['FORBIDDEN']) },
  'connections.test': { why: 'super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'connections.test', { name: 'stripe.secret_key' }, ['FORBIDDEN']) },
  'impersonation.candidates': {
    why: 'platform support and super admins only: a tenant cannot list another tenant’s users',
    check: async (t, f) => {
      for (const person of [f.b.people.owner, f.a.people.owner]) await refusedWithoutWrites(t, person.carrier, 'impersonation.candidates', { organizationId: f.a.organizationId }, ['FORBIDDEN']);
    },
  },
  'impersonation.start': {
    why: 'platform support and super admins only: no tenant user can act as another (tests/impersonation/impersonation.test.ts)',
    check: async (t, f) => {
      const input = { organizationId: f.a.organizationId, userId: f.a.people.member.userId, reason: 'Let me act as this member', ticketReference: 'T-1' };
      for (const person of [f.b.people.owner, f.a.people.owner, f.a.people.admin]) await refusedWithoutWrites(t, person.carrier, 'impersonation.start', input, ['FORBIDDEN']);
    },
  },
  'impersonation.current': {
    why: 'describes the caller’s own session only: null for a tenant user',
    check: async (t, f) => expect(await call(t, f.b.people.owner.carrier, 'impersonation.current')).toBeNull(),
  },
  'impersonation.escalate': {
    why: 'only inside the caller’s own impersonation',
    check: async (t, f) => refusedWithoutWrites(t, f.b.people.owner.carrier, 'impersonation.escalate', { reason: 'Give me more rights please' }, ['PRECONDITION_FAILED']),
  },
  'impersonation.end': { why: 'only the caller’s own impersonation', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'impersonation.end', undefined, ['PRECONDITION_FAILED']) },
  'exports.signingKey': {
    why: 'the installation’s public signing key only: nothing of any organization',
    check: async (t, f) => {
      const key = JSON.stringify(await call(t, f.b.people.guest.carrier, 'exports.signingKey'));
      expect(key).not.toContain(f.a.organizationId);
      expect(key).not.toContain('privateKey');
    },
  },
  'exports.openPackFromDisk': {
    why: 'desktop only: checks the file the person chose in the system dialog, reads no organization’s rows; browser mode has no dialog',
    check: async (t, f) => refusedWithoutWrites(t, f.b.people.guest.carrier, 'exports.openPackFromDisk', { source: 'dialog' }, ['PRECONDITION_FAILED']),
  },
  'settings.ping': {
    why: 'public: says only that the database answers',
    check: async (t) => expect(await call(t, new MemoryCarrier(), 'settings.ping')).toEqual({ ok: true }),
  },
  'exports.financeMonth': {
    why: 'platform finance only: an organization owner cannot read every tenant’s revenue',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'exports.financeMonth', { month: '2026-11' }, ['FORBIDDEN']),
  },
  'connections.organizationSms': { why: 'super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'connections.organizationSms', undefined, ['FORBIDDEN']) },
  'connections.testOrganizationSms': {
    why: "super admins only; an owner cannot test another tenant's (or its own) pair from here",
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'connections.testOrganizationSms', { organizationId: f.b.organizationId }, ['FORBIDDEN']),
  },
  'connections.deleteOrganizationSms': {
    why: "super admins only; another tenant's pair stays",
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.admin.carrier, 'connections.deleteOrganizationSms', { organizationId: f.b.organizationId }, ['FORBIDDEN']),
  },
  'invitations.describe': {
    why: 'the link is the credential; an unknown token learns nothing',
    check: async (t) => refusedWithoutWrites(t, new MemoryCarrier(), 'invitations.describe', { token: newToken('mdi').token }, ['NOT_FOUND']),
  },
  'invitations.accept': {
    why: 'the link is the credential; an unknown token is refused',
    check: async (t) => refusedWithoutWrites(t, new MemoryCarrier(), 'invitations.accept', { token: newToken('mdi').token, name: 'Eve', password: 'takeover-pass-1' }, ['NOT_FOUND']),
  },
  // Plan lab (issue 14): platform staff only; tenants' owners are refused (tests/plan-lab/plan-versions.test.ts checks support and finance).
  'planLab.overview': { why: 'platform staff only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLab.overview', undefined, ['FORBIDDEN']) },
  'planLab.version': { why: 'platform staff only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLab.version', { planKey: 'starter', version: 1 }, ['FORBIDDEN']) },
  'planLab.compare': { why: 'platform staff only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLab.compare', { planKey: 'starter', a: 1, b: 1 }, ['FORBIDDEN']) },
  'planLab.subscribers': { why: 'platform staff only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLab.subscribers', { planKey: 'starter' }, ['FORBIDDEN']) },
  'planLab.createDraft': { why: 'finance and super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLab.createDraft', { planKey: 'starter', fromVersion: 1 }, ['FORBIDDEN']) },
  'planLab.saveDraft': {
    why: 'finance and super admins only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLab.saveDraft', { planKey: 'starter', version: 1, terms: { name: 'Mine', prices: { month: 0 }, includedSeats: null, seatPriceMinor: { month: 0, year: 0 }, overagePolicy: 'hard_cap', quotas: {}, entitlements: {}, overageUnitPriceMicros: {} } }, ['FORBIDDEN']),
  },
  'planLab.publish': { why: 'finance and super admins only', check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLab.publish', { planKey: 'starter', version: 1, confirm: true }, ['FORBIDDEN']) },
  'planLab.migrate': {
    why: 'finance and super admins only',
    check: async (t, f) => refusedWithoutWrites(t, f.a.people.owner.carrier, 'planLab.migrate', { planKey: 'starter', toVersion: 1, tenants: { kind: 'chosen', organizationIds: [f.a.organizationId] }, when: 'now', reason: 'move myself' }, ['FORBIDDEN']),
  },
};

async function call(t: TestApp, carrier: MemoryCarrier, path: string, input?: unknown): Promise<unknown> {
  const caller = (await t.app.createCaller(carrier)) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
  const [group, name] = path.split('.') as [string, string];
  return caller[group]![name]!(input);
}

async function refusedWithoutWrites(t: TestApp, carrier: MemoryCarrier, path: string, input: unknown, codes: string[], mayChange: string[] = []) {
  const before = await databaseFingerprint(t.app);
  const error = await call(t, carrier, path, input).then(
    (result) => new Error(`${path} was allowed: ${JSON.stringify(result)?.slice(0, 200)}`),
    (e: unknown) => e,
  );
  expect(error, `${path} should be refused`).toBeInstanceOf(TRPCError);
  expect(codes, `${path}: ${(error as Error).message}`).toContain((error as TRPCError).code);
  const after = await databaseFingerprint(t.app);
  for (const table of mayChange) delete before[table], delete after[table];
  expect(after, `${path} wrote despite being refused`).toEqual(before);
}

async function expectOthersUntouched(t: TestApp, f: Fixture, path: string) {
  const intruder = new MemoryCarrier();
  intruder.token = (await createSession(t.app.services.db.prisma, { userId: f.b.people.admin.userId, remember: false, activeOrganizationId: f.b.organizationId }, { clock: t.clock, policy: t.app.services.authPolicy })).token;
  await call(t, intruder, path);
  for (const person of Object.values(f.a.people)) expect(await call(t, person.carrier, 'auth.me'), `${person.email} still signed in`).not.toBeNull();
}

describe.each(databaseTargets)('tenant isolation on $name', (target) => {
  let t: TestApp;
  let f: Fixture;
  /** B's owner with a session forged to act inside A (a stale or tampered session). */
  let forged: MemoryCarrier;

  beforeAll(async () => {
    t = await startTestApp(target);
    const a = await seedTenant(t.app, 'alpha');
    const b = await seedTenant(t.app, 'bravo');
    const adminCaller = await t.app.createCaller(a.people.owner.carrier);
    const { id } = await adminCaller.invitations.create({ email: 'pending@alpha.test', role: 'member' });
    const outbox = await adminCaller.outbox.list();
    // A's webhook endpoint (created before the API key, so that key's event gives it a delivery) and a notification.
    await adminCaller.webhooks.setSettings({ allowPrivateTargets: true }); // no DNS lookup when registering
    const endpoint = await adminCaller.webhooks.create({ url: 'https://hooks.alpha.test/meterdesk', events: ['api_key.created'] });
    const apiKey = await adminCaller.apiKeys.create({ name: 'Billing sync', scopes: ['usage:write'] });
    const contact = await t.app.services.db.prisma.contact.create({ data: { organizationId: a.organizationId, ownerUserId: a.people.member.userId, name: 'A contact', phone: '+14155550100', country: 'US' } });
    const delivery = await t.app.services.db.prisma.webhookDelivery.findFirstOrThrow({ where: { organizationId: a.organizationId } });
    const notification = await t.app.services.db.prisma.notification.create({
      data: { organizationId: a.organizationId, userId: a.people.member.userId, kind: 'usage.threshold', title: 'A notice', body: 'For A', link: 'usage', createdAt: new Date() },
    });
    const review = await t.app.services.db.prisma.smsInboundMessage.create({ data: { organizationId: a.organizationId, providerMessageId: 'in-1', fromPhone: '+14155550100', toPhone: '+18445550100', body: 'please stop texting me', action: 'revocation_review' } });
    const campaign = await t.app.services.db.prisma.campaign.create({ data: { organizationId: a.organizationId, ownerUserId: a.people.owner.userId, name: 'A campaign', body: 'Hello' } });
    f = { a, b, apiKeyId: apiKey.id, invitationId: id, invitationToken: outbox[0]!.link!.split('/invite/')[1]!, contactId: contact.id, notificationId: notification.id, webhookEndpointId: endpoint.id, webhookDeliveryId: delivery.id, smsReviewId: review.id, campaignId: campaign.id };
    const exportRun = await t.app.services.db.prisma.exportRun.create({ data: { organizationId: a.organizationId, kind: 'usage_csv', scope: 'organization', scopeId: a.organizationId, scopeName: 'alpha', period: '2026-11', status: 'succeeded', createdById: a.people.owner.userId, createdAt: new Date() } });
    const exportSchedule = await t.app.services.db.prisma.exportSchedule.create({ data: { organizationId: a.organizationId, scope: 'team', scopeId: a.managedTeamId, scopeName: 'team', folder: '/tmp', createdById: a.people.manager.userId, nextRunAt: new Date('2099-01-01'), createdAt: new Date() } });
    f.exportRunId = exportRun.id;
    f.exportScheduleId = exportSchedule.id;
    forged = new MemoryCarrier();
    forged.token = (await createSession(t.app.services.db.prisma, { userId: b.people.owner.userId, remember: false, activeOrganizationId: a.organizationId }, { clock: t.clock, policy: t.app.services.authPolicy })).token;
  });
  afterAll(() => t?.close());

  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { permission?: OrgPermission } } }>);

  it('covers every procedure of the app router', () => {
    const covered = new Set([...Object.keys(ORG_PROCEDURES), ...Object.keys(OTHER_PROCEDURES)]);
    expect(procedures.map(([path]) => path).filter((p) => !covered.has(p)), 'procedures missing from the isolation test').toEqual([]);
    expect([...covered].filter((p) => !procedures.some(([path]) => path === p)), 'entries for procedures that no longer exist').toEqual([]);
  });

  it('names an organization permission on every org-scoped procedure', () => {
    for (const [path, proc] of procedures) {
      if (!(path in ORG_PROCEDURES)) continue;
      expect(ORG_PERMISSIONS, path).toContain(proc._def.meta?.permission);
    }
  });

  for (const path of Object.keys(ORG_PROCEDURES)) {
    it(`${path}: refuses other organizations and roles without the permission, writing nothing`, async () => {
      const input = ORG_PROCEDURES[path]!(f);
      const permission = procedures.find(([p]) => p === path)![1]._def.meta!.permission!;

      // 1. A user of another organization whose session points into A.
      await refusedWithoutWrites(t, forged, path, input, ['FORBIDDEN']);

      // 2. The same user acting in their own organization, with A's ids: refused, or sees only their own rows.
      const before = await databaseFingerprint(t.app);
      const outcome = await call(t, f.b.people.owner.carrier, path, input).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      if ('error' in outcome) {
        expect(outcome.error).toBeInstanceOf(TRPCError);
        expect(['FORBIDDEN', 'NOT_FOUND', 'BAD_REQUEST', 'CONFLICT', 'PRECONDITION_FAILED']).toContain((outcome.error as TRPCError).code);
        expect(await databaseFingerprint(t.app)).toEqual(before);
      } else {
        const text = JSON.stringify(outcome.result ?? null);
        expect(text, `${path} leaked organization A`).not.toContain(f.a.organizationId);
        for (const person of Object.values(f.a.people)) expect(text, `${path} leaked ${person.email}`).not.toContain(person.userId);
        // Whatever it wrote, it wrote in B: A's own view is unchanged.
        const aNow = JSON.stringify(await call(t, f.a.people.owner.carrier, 'members.list', {}));
        expect(aNow).not.toContain('bravo');
      }

      // 3. Every role of A that the permission table denies.
      for (const role of ORG_ROLES.filter((r) => !orgRoleCan(r, permission))) {
        const person = Object.values(f.a.people).find((p) => roleOf(f.a, p) === role)!;
        await refusedWithoutWrites(t, person.carrier, path, input, ['FORBIDDEN']);
      }
    });
  }

  for (const [path, { why, check }] of Object.entries(OTHER_PROCEDURES)) {
    it(`${path}: ${why}`, () => check(t, f));
  }
});

function roleOf(tenant: Tenant, person: { userId: string }) {
  const key = (Object.keys(tenant.people) as (keyof Tenant['people'])[]).find((k) => tenant.people[k].userId === person.userId)!;
  return ({ owner: 'owner', admin: 'admin', manager: 'manager', member: 'member', teammate: 'member', outsideMember: 'member', guest: 'guest' } as const)[key];
}
