/** Small type guards for walking parsed JSON without `any`. */

/** A JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when it is a string, else undefined. */
export function stringField(value: JsonObject, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

/** `value[key]` when it is an object, else undefined. */
export function objectField(value: JsonObject, key: string): JsonObject | undefined {
  const field = value[key];
  return isObject(field) ? field : undefined;
}

/** The string-valued entries of an object (attribute maps keep only strings). */
export function stringEntries(value: JsonObject | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!value) return result;
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string') result[key] = field;
  }
  return result;
}
