/**
 * The shared point store: every sampled point is stored once (as f32 coordinates) and referenced by
 * index from the reservoirs and leaves of all trees; a reference count (one per reservoir entry holding
 * the slot) frees the slot when no tree holds it any more. Capacity T*N + 1 slots: at most T*N are held
 * by the reservoirs, so the newcomer always finds a free slot.
 */
import { D, P, pointValue, pointRef, pointFree } from './layout';

let freeTop: i32 = 0;

/** Empties the store. Called by `configure` and `reset`. */
export function clearPoints(): void {
  for (let i = 0; i < P; i++) {
    store<i32>(pointRef + (<usize>i << 2), 0);
    // stack of free slots, popped from the top: slot 0 comes first
    store<i32>(pointFree + (<usize>i << 2), P - 1 - i);
  }
  freeTop = P;
}

/** Takes a free slot (its reference count is 0). Called once per update. */
export function allocatePoint(): i32 {
  freeTop--;
  return load<i32>(pointFree + (<usize>freeTop << 2));
}

/** Returns a slot with no references to the free stack. */
export function freePoint(slot: i32): void {
  store<i32>(pointFree + (<usize>freeTop << 2), slot);
  freeTop++;
}

// @ts-ignore: decorator
@inline export function pointAddress(slot: i32): usize {
  return pointValue + ((<usize>slot * <usize>D) << 2);
}

// @ts-ignore: decorator
@inline export function addReference(slot: i32): void {
  const at = pointRef + (<usize>slot << 2);
  store<i32>(at, load<i32>(at) + 1);
}

/** Drops one reference; frees the slot when none is left. */
export function releaseReference(slot: i32): void {
  const at = pointRef + (<usize>slot << 2);
  const left = load<i32>(at) - 1;
  store<i32>(at, left);
  if (left == 0) freePoint(slot);
}

export function referenceCount(slot: i32): i32 {
  return load<i32>(pointRef + (<usize>slot << 2));
}

export function pointsInUse(): i32 {
  return P - freeTop;
}

/** True when the stored points in two slots have equal coordinates. */
export function samePoint(a: usize, b: usize): bool {
  for (let j = 0; j < D; j++) {
    if (load<f32>(a + (<usize>j << 2)) != load<f32>(b + (<usize>j << 2))) return false;
  }
  return true;
}
