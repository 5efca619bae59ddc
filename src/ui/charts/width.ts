/**
 * Calls `set` with an element's width (whole pixels) now and whenever it changes, through a
 * ResizeObserver (bind:clientWidth would read it at once, forcing a layout). Returns the cleanup, for an
 * $effect. Used by the charts' frames.
 */
export function watchWidth(el: HTMLElement, set: (width: number) => void): () => void {
  const ro = new ResizeObserver((entries) => set(Math.floor(entries[entries.length - 1].contentRect.width)));
  ro.observe(el);
  return () => ro.disconnect();
}
