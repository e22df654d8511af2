// Audit actions (server-side `record-audit-event` calls) in words, and a readable target.
const ACTIONS: Record<string, string> = {
  'member.role_change': 'Changed a member’s role',
  'member.deactivate': 'Deactivated a member',
  'member.reactivate': 'Reactivated a member',
  'member.remove': 'Deleted a member',
  'member.transfer_resources': 'Transferred contacts and campaigns',
  'member.limits_change': 'Changed a member’s limits',
  'team.create': 'Created a team',
  'team.rename': 'Renamed a team',
  'team.archive': 'Archived a team',
  'team.restore': 'Restored a team',
  'team.member_add': 'Added someone to a team',
  'team.member_remove': 'Removed someone from a team',
  'team.budget_change': 'Changed a team budget',
  'invitation.create': 'Invited someone',
  'invitation.create_many': 'Invited people from a CSV',
  'invitation.resend': 'Resent an invitation',
  'invitation.revoke': 'Revoked an invitation',
  'invitation.accept': 'Accepted an invitation',
  'organization.settings_change': 'Changed organization settings',
  'organization.billing_profile_change': 'Changed the billing profile',
  'api_key.create': 'Created an API key',
  'api_key.revoke': 'Revoked an API key',
  'demo.seed': 'Loaded demo data',
  'impersonation.start': 'Started impersonating',
  'impersonation.escalate': 'Allowed changes while impersonating',
  'impersonation.end': 'Impersonation ended',
};

export const ACTION_FILTERS = [
  { value: 'member.', label: 'Members' },
  { value: 'team.', label: 'Teams' },
  { value: 'invitation.', label: 'Invitations' },
  { value: 'organization.', label: 'Organization' },
  { value: 'api_key.', label: 'API keys' },
  { value: 'impersonation.', label: 'Impersonation' },
];

export function actionLabel(action: string): string {
  if (ACTIONS[action]) return ACTIONS[action];
  const text = action.replace(/[._]/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function field(value: unknown, key: string): string | null {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

/**
 * Who or what the event was about: an email or a name from its data, else a known name for its id
 * (teams, the organization), else the id's last characters (its first ones are a timestamp).
 */
export function targetLabel(event: { targetType: string; targetId: string | null; before: unknown; after: unknown }, names: ReadonlyMap<string, string>): string {
  const known = event.targetId ? names.get(event.targetId) : undefined;
  const detail = field(event.after, 'email') ?? field(event.before, 'email') ?? field(event.after, 'name') ?? field(event.before, 'name') ?? field(event.before, 'owner');
  const parts = [...new Set([known, detail].filter((p): p is string => !!p))];
  const type = event.targetType.replace(/_/g, ' ');
  if (parts.length) return [type, ...parts].join(' · ');
  return event.targetId ? `${type} · …${event.targetId.slice(-8)}` : type;
}
