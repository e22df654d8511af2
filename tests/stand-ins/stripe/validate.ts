// Checks a decoded request against the parameter shapes extracted from the pinned SDK's
// declarations (spec/params.json) and coerces form strings to numbers and booleans. Anything
// outside the shape is refused the way Stripe refuses it: parameter_unknown, parameter_missing,
// an invalid enum value or integer, each naming the offending `param` in bracket notation.
import { readFileSync } from 'node:fs';
import { invalid } from './errors';
import type { ParamShape } from './spec/param-shape';

const SHAPES = JSON.parse(readFileSync(new URL('./spec/params.json', import.meta.url), 'utf8')) as Record<string, ParamShape>;

/** Marks a parameter sent as an empty string where Stripe reads that as "unset". */
export const UNSET = Symbol('unset');

export type Params = Record<string, unknown>;

export function validateParams(typeName: string, raw: Params): Params {
  const shape = SHAPES[typeName];
  if (!shape) throw new Error(`stand-in: no params shape named ${typeName}`);
  return coerce(shape, raw, '') as Params;
}

function coerce(shape: ParamShape, value: unknown, path: string): unknown {
  if (value === '' && shape.emptyable) return UNSET;
  switch (shape.kind) {
    case 'any':
      return value;
    case 'string':
      if (typeof value !== 'string') throw invalid(`Invalid string: ${describe(value)}`, path, 'parameter_invalid_string');
      return value;
    case 'decimal':
      if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) throw invalid(`Invalid decimal: ${describe(value)}`, path);
      return value;
    case 'number': {
      if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) throw invalid(`Invalid integer: ${describe(value)}`, path, 'parameter_invalid_integer');
      return Number(value);
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw invalid(`Invalid boolean: ${describe(value)}`, path);
      return value === 'true';
    case 'enum':
      if (typeof value !== 'string' || !shape.values.includes(value)) {
        throw invalid(`Invalid ${path}: must be one of ${shape.values.join(', ')}`, path);
      }
      return value;
    case 'array': {
      // qs yields an object with numeric keys past its array limit; accept both.
      const items = Array.isArray(value) ? value : isNumericKeyed(value) ? Object.values(value as object) : undefined;
      if (!items) throw invalid(`Invalid array`, path);
      return items.map((item, i) => coerce(shape.of, item, `${path}[${i}]`));
    }
    case 'map': {
      if (!isPlainObject(value)) throw invalid(`Invalid object`, path);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(shape.of, v, `${path}[${k}]`)]));
    }
    case 'object': {
      if (!isPlainObject(value)) throw invalid(`Invalid object`, path);
      const out: Params = {};
      for (const [key, v] of Object.entries(value)) {
        const field = shape.fields[key];
        const at = path ? `${path}[${key}]` : key;
        if (!field) throw invalid(`Received unknown parameter: ${at}`, at, 'parameter_unknown');
        out[key] = coerce(field.shape, v, at);
      }
      for (const [key, field] of Object.entries(shape.fields)) {
        const at = path ? `${path}[${key}]` : key;
        if (field.required && !(key in value)) throw invalid(`Missing required param: ${at}.`, at, 'parameter_missing');
      }
      return out;
    }
    case 'union': {
      let firstError: unknown;
      // Prefer the branch that matches the value's form (object vs scalar) for the error reported.
      const ordered = [...shape.of].sort((a, b) => Number(kindMatches(b, value)) - Number(kindMatches(a, value)));
      for (const branch of ordered) {
        try {
          return coerce(branch, value, path);
        } catch (error) {
          firstError ??= error;
        }
      }
      throw firstError;
    }
  }
}

function kindMatches(shape: ParamShape, value: unknown) {
  const structured = shape.kind === 'object' || shape.kind === 'map' || shape.kind === 'array';
  return structured === (typeof value === 'object' && value !== null);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumericKeyed(value: unknown) {
  return isPlainObject(value) && Object.keys(value).every((k) => /^\d+$/.test(k));
}

function describe(value: unknown) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
