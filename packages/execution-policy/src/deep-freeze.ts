/**
 * Freezes plain data recursively. Compiled policies cross package
 * boundaries; freezing them makes an accidental edit by a receiver throw
 * instead of silently changing what another step sees. It descends into
 * objects that are already frozen, since zod's `.readonly()` freezes only
 * the outermost level.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
