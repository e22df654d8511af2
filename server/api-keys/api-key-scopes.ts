export const API_KEY_SCOPES = ['usage:write', 'usage:read', 'sms:send'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
