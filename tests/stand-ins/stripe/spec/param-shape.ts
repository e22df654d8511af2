// The shape of a Stripe request parameter, as extracted from the SDK's declarations (params.json).
export type ParamShape = (
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'decimal' }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'array'; of: ParamShape }
  | { kind: 'map'; of: ParamShape }
  | { kind: 'object'; fields: Record<string, { required: boolean; shape: ParamShape }> }
  | { kind: 'union'; of: ParamShape[] }
  | { kind: 'any' }
) & { emptyable?: boolean };
