import { Type } from '@sinclair/typebox';
import type { TLiteral, TSchema } from '@sinclair/typebox';

/** The building blocks of the config schema's sections (schema.ts and its *-schema.ts files). */
export const strict = { additionalProperties: false } as const;

export function obj<T extends Record<string, TSchema>>(props: T, description: string) {
  return Type.Object(props, { ...strict, description, default: {} });
}

/** A union of string literals that keeps its literal type and lists the values in errors. */
export function oneOf<const T extends string>(
  values: readonly T[],
  defaultValue: T,
  description: string,
) {
  const literals = values.map((v) => Type.Literal(v)) as TLiteral<T>[];
  return Type.Union(literals, { default: defaultValue, description, enumValues: values });
}

export const num = (def: number, min: number, max: number, description: string) =>
  Type.Number({ minimum: min, maximum: max, default: def, description });

export const Id = (description: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description });
