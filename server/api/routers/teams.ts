import { addTeamMember, addTeamMemberInput } from '../../teams/add-team-member';
import { createTeam, createTeamInput } from '../../teams/create-team';
import { listTeams, listTeamsInput } from '../../teams/list-teams';
import { removeTeamMember, removeTeamMemberInput } from '../../teams/remove-team-member';
import { setTeamBudgets, setTeamBudgetsInput } from '../../teams/set-team-budgets';
import { updateTeam, updateTeamInput } from '../../teams/update-team';
import { orgProcedure, router } from '../trpc';

export const teamsRouter = router({
  list: orgProcedure('teams:read').input(listTeamsInput).query(({ ctx, input }) => listTeams(ctx.db, ctx.actor, input)),
  /** Admins create any team; a manager's new team is theirs to run. */
  create: orgProcedure('teams:manage_own').input(createTeamInput).mutation(({ ctx, input }) => createTeam(ctx.db, ctx.actor, input)),
  update: orgProcedure('teams:manage_own').input(updateTeamInput).mutation(({ ctx, input }) => updateTeam(ctx.db, ctx.actor, input, ctx.clock)),
  addMember: orgProcedure('teams:manage_own').input(addTeamMemberInput).mutation(({ ctx, input }) => addTeamMember(ctx.db, ctx.actor, input)),
  removeMember: orgProcedure('teams:manage_own').input(removeTeamMemberInput).mutation(({ ctx, input }) => removeTeamMember(ctx.db, ctx.actor, input)),
  setBudgets: orgProcedure('teams:manage').input(setTeamBudgetsInput).mutation(({ ctx, input }) => setTeamBudgets(ctx.db, ctx.actor, input)),
});
