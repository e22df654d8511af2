import { z } from 'zod';
import { changeMemberRole, changeMemberRoleInput } from '../../members/change-member-role';
import { getMember } from '../../members/get-member';
import { listMembers, listMembersInput } from '../../members/list-members';
import { removeMember, removeMemberInput } from '../../members/remove-member';
import { setMemberLimits, setMemberLimitsInput } from '../../members/set-member-limits';
import { setMemberStatus, setMemberStatusInput } from '../../members/set-member-status';
import { transferMemberResources, transferMemberResourcesInput } from '../../members/transfer-member-resources';
import { orgProcedure, router } from '../trpc';

export const membersRouter = router({
  /** Admins see everyone; managers the members of the teams they manage. */
  list: orgProcedure('members:read_team').input(listMembersInput).query(({ ctx, input }) => listMembers(ctx.db, ctx.actor, input)),
  get: orgProcedure('members:read_team')
    .input(z.object({ membershipId: z.uuid() }))
    .query(({ ctx, input }) => getMember(ctx.db, ctx.actor, input.membershipId)),
  changeRole: orgProcedure('members:manage').input(changeMemberRoleInput).mutation(({ ctx, input }) => changeMemberRole(ctx.db, ctx.actor, input)),
  setStatus: orgProcedure('members:manage').input(setMemberStatusInput).mutation(({ ctx, input }) => setMemberStatus(ctx.db, ctx.actor, input, ctx.clock)),
  remove: orgProcedure('members:manage').input(removeMemberInput).mutation(({ ctx, input }) => removeMember(ctx.db, ctx.actor, input, ctx.clock)),
  transferResources: orgProcedure('members:manage').input(transferMemberResourcesInput).mutation(({ ctx, input }) => transferMemberResources(ctx.db, ctx.actor, input)),
  setLimits: orgProcedure('members:manage').input(setMemberLimitsInput).mutation(({ ctx, input }) => setMemberLimits(ctx.db, ctx.actor, input)),
});
