import { addAdminNote, addAdminNoteInput } from '../../platform/add-admin-note';
import { endUserSessions, endUserSessionsInput } from '../../platform/end-user-sessions';
import { getPlatformUsage, getPlatformUsageInput } from '../../platform/get-platform-usage';
import { getSystemHealth } from '../../platform/get-system-health';
import { getTenantDetail, tenantIdInput } from '../../platform/get-tenant-detail';
import { listTenantAuditEvents, listTenantAuditEventsInput } from '../../platform/list-tenant-audit-events';
import { resendTenantInvitation, resendTenantInvitationInput } from '../../platform/resend-tenant-invitation';
import { getRevenue, getRevenueInput } from '../../platform/revenue/get-revenue';
import { searchUsers, searchUsersInput } from '../../platform/search-users';
import { changeStaffRole, changeStaffRoleInput, revokeStaff, revokeStaffInput } from '../../platform/staff/change-staff-role';
import { inviteStaff, inviteStaffInput } from '../../platform/staff/invite-staff';
import { listStaff } from '../../platform/staff/list-staff';
import { platformProcedure, router } from '../trpc';

/** Platform administration (issue 11): staff, tenant detail and notes, people, revenue, usage, health, support tools. */
export const platformAdminRouter = router({
  staff: platformProcedure('platform:staff:manage').query(({ ctx }) => listStaff(ctx.db)),
  inviteStaff: platformProcedure('platform:staff:manage').input(inviteStaffInput).mutation(({ ctx, input }) => inviteStaff(ctx, ctx.user.id, input)),
  changeStaffRole: platformProcedure('platform:staff:manage').input(changeStaffRoleInput).mutation(({ ctx, input }) => changeStaffRole(ctx.db, ctx.user.id, input)),
  revokeStaff: platformProcedure('platform:staff:manage').input(revokeStaffInput).mutation(({ ctx, input }) => revokeStaff(ctx.db, ctx.user.id, input)),
  tenantDetail: platformProcedure('platform:tenants:read').input(tenantIdInput).query(({ ctx, input }) => getTenantDetail(ctx.db, ctx.clock, input)),
  tenantAuditTrail: platformProcedure('platform:tenants:read').input(listTenantAuditEventsInput).query(({ ctx, input }) => listTenantAuditEvents(ctx.db, input)),
  addNote: platformProcedure('platform:notes:write').input(addAdminNoteInput).mutation(({ ctx, input }) => addAdminNote(ctx.db, ctx.clock, ctx.user.id, input)),
  searchUsers: platformProcedure('platform:users:read').input(searchUsersInput).query(({ ctx, input }) => searchUsers(ctx.db, input)),
  revenue: platformProcedure('platform:revenue:read').input(getRevenueInput).query(({ ctx, input }) => getRevenue(ctx.db, ctx.clock, input)),
  usage: platformProcedure('platform:usage:read').input(getPlatformUsageInput).query(({ ctx, input }) => getPlatformUsage(ctx.db, ctx.clock, input)),
  health: platformProcedure('platform:health:read').query(({ ctx }) => getSystemHealth({ db: ctx.db, clock: ctx.clock, billingConfigured: !!ctx.billingProvider || !!ctx.stripeEvents })),
  resendInvitation: platformProcedure('platform:support:tools').input(resendTenantInvitationInput).mutation(({ ctx, input }) => resendTenantInvitation(ctx, ctx.user.id, input)),
  endUserSessions: platformProcedure('platform:support:tools')
    .input(endUserSessionsInput)
    .mutation(({ ctx, input }) => endUserSessions(ctx.db, ctx.clock, { userId: ctx.user.id, platformRole: ctx.user.platformRole }, input)),
});
