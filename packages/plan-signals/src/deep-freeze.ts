/**
 * Freezes plain data recursively. Lineage, plans and snapshots cross package
 * boundaries; freezing them makes an accidental edit by a receiver throw
 * instead of silently changing what another step sees.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
