// How the schema distributes by tenant (docs/scaling.md). On Citus every table is one of:
//   - a tenant table: it has organization_id, distributed by it and co-located with `organizations`,
//     so one organization's rows of every table live on one node;
//   - the distribution root, `organizations`, distributed by its id;
//   - a global table, listed below, each with the reason it is global.
// Rules for tenant tables (checked against PostgreSQL's catalog by server/db/check-distribution.ts,
// in tests/server/distribution-rules.test.ts): organization_id is NOT NULL and part of the primary
// key and of every unique constraint or index; every foreign key to another tenant table includes
// organization_id on both sides (co-location); a tenant table may reference `organizations` and
// reference tables, never a coordinator table. A new table must choose: organization_id, or an entry here.
//
// Hot-path SQL functions (prisma/migrations/*/migration.sql) touch one organization's rows per call:
// they take the organization as `p_org` and every statement is filtered by it, so on Citus the whole
// call runs on the organization's node. Triggers act on their own row's organization
// (NEW/OLD.organization_id). Functions that sweep across organizations are listed below and are
// never on a request's path.

export const DISTRIBUTION_COLUMN = 'organization_id';

/** `organizations` is distributed by its own id: tenant tables reference it by (organization_id). */
export const DISTRIBUTION_ROOT = { table: 'organizations', column: 'id' } as const;

export type GlobalTableKind =
  /** Small, rarely written, joined with tenant rows: replicated to every node (create_reference_table). */
  | 'reference'
  /** Global state of the platform or of people, or found by a secret before any organization is known: stays on the coordinator. */
  | 'coordinator';

export interface GlobalTable {
  kind: GlobalTableKind;
  why: string;
}

export const GLOBAL_TABLES: Record<string, GlobalTable> = {
  // ---- Reference tables: the catalogs every organization's rows are read with ----
  plans: { kind: 'reference', why: 'the plan catalog, read with every subscription' },
  plan_quotas: { kind: 'reference', why: "each plan's included amounts (the organization quota's default)" },
  plan_entitlements: { kind: 'reference', why: "each plan's features" },
  rate_cards: { kind: 'reference', why: 'prices per channel and country, read when a message is priced' },
  platform_settings: { kind: 'reference', why: 'settings of the whole platform (invite-only, trial length)' },
  plan_versions: { kind: 'reference', why: "each plan's versions and their terms (plan lab): a subscription names its version" },
  users: { kind: 'reference', why: 'people belong to several organizations; memberships and team memberships reference them' },

  // ---- Coordinator tables: people, the platform itself, and lookups by a secret ----
  sessions: { kind: 'coordinator', why: "a person's sign-ins, across organizations (found by the token's hash)" },
  password_resets: { kind: 'coordinator', why: 'reset links of a person, found by the link hash' },
  sign_in_throttles: { kind: 'coordinator', why: 'failed sign-ins per email, before any account or organization is known' },
  api_key_lookups: { kind: 'coordinator', why: "an API key's hash → its organization: the API path's one global read, then api_keys by (organization_id, id)" },
  invitation_tokens: { kind: 'coordinator', why: "an invitation link's hash → its organization; the invitation is then read by (organization_id, id)" },
  platform_audit_events: { kind: 'coordinator', why: "the platform's own audit chain (actions of no organization)" },
  platform_audit_chain_heads: { kind: 'coordinator', why: "the head of the platform's audit chain" },
  platform_outbox_emails: { kind: 'coordinator', why: 'emails of no organization (password resets)' },
  billing_events: { kind: 'coordinator', why: "the provider's event inbox, keyed by the provider's event id: the organization is known only once the event is resolved (organization_id is filled in then)" },
  billing_sync_state: { kind: 'coordinator', why: "the provider event poller's cursor (one row per provider)" },
  usage_event_archives: { kind: 'coordinator', why: 'one row per archived month of the whole ledger (file, rows, sha256): months are archived for every organization at once' },
  _prisma_migrations: { kind: 'coordinator', why: 'the migration history' },
};

/**
 * SQL functions that deliberately span organizations: background sweeps run by jobs, never on a
 * request's path. On Citus they run on the coordinator as multi-shard statements (or are split
 * per organization: docs/scaling.md says which).
 */
export const CROSS_ORGANIZATION_FUNCTIONS: Record<string, string> = {
  meterdesk_enqueue_overage: 'the overage job: finds every billed organization whose usage moved, then works per organization',
  meterdesk_ensure_usage_partition: "the partition job: creates a month of the ledger for every organization (DDL, not rows; on Citus the month's partition is created on every shard)",
  meterdesk_campaign_message_outcomes: "a statement-level trigger on campaign_messages: it counts its statement's transition rows grouped by organization_id (on Citus a trigger fires per shard, so it sees one shard's organizations only)",
  meterdesk_expire_reservations: 'the reservation expiry job: finds expired reservations of any organization, then settles each with meterdesk_settle(p_org, …)',
};

/** Names of the per-organization argument of hot-path functions. */
export const ORGANIZATION_ARGUMENTS = ['p_org'];
