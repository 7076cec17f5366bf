import type { ServiceSchema } from './schema';

/** `build` run once per schema object and remembered while the schema lives (lookup tables of a schema). */
export function perSchema<T>(build: (schema: ServiceSchema) => T): (schema: ServiceSchema) => T {
  const built = new WeakMap<ServiceSchema, T>();
  return (schema) => {
    if (built.has(schema)) return built.get(schema) as T;
    const value = build(schema);
    built.set(schema, value);
    return value;
  };
}
