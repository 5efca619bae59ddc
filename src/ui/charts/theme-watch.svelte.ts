/**
 * A counter that changes when the page's colours may have changed (the system's light/dark preference, or
 * the theme picked on the page), so canvases that read colours at draw time know to redraw.
 */
export const themeVersion = $state({ value: 0 });

if (typeof window !== 'undefined') {
  const bump = () => themeVersion.value++;
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', bump);
  new MutationObserver(bump).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
}
