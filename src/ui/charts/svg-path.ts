/**
 * Vector copies of what the canvases draw, for saving the charts as SVG (and, through an image, as PNG):
 * a path sink that writes SVG path data, and copying an SVG layer with its computed styles inlined so the
 * copy looks the same outside the page (no stylesheet, no CSS custom properties).
 */
import type { PathSink } from './trace';

const r = (v: number) => Math.round(v * 10) / 10;

/** Collects moveTo/lineTo as SVG path data, and vertical spans (min/max decimation) as thin rectangles. */
export class SvgPath implements PathSink {
  line = '';
  spans = '';
  constructor(private readonly spanWidth = 1) {}
  moveTo(x: number, y: number): void {
    this.line += `M${r(x)} ${r(y)}`;
  }
  lineTo(x: number, y: number): void {
    this.line += `L${r(x)} ${r(y)}`;
  }
  span = (x: number, top: number, bottom: number): void => {
    const w = this.spanWidth;
    this.spans += `M${r(x - w / 2)} ${r(top)}h${w}v${r(Math.max(0.5, bottom - top))}h${-w}z`;
  };
}

const PROPS = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'opacity', 'font-size',
  'font-family', 'font-weight', 'text-anchor', 'dominant-baseline',
] as const;

/** The SVG element's inner markup with every element's computed presentation written into its style. */
export function inlinedInnerSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const from = svg.querySelectorAll('*');
  const to = copy.querySelectorAll('*');
  for (let i = 0; i < from.length; i++) {
    const cs = getComputedStyle(from[i]);
    const style = PROPS.map((p) => {
      const v = cs.getPropertyValue(p);
      return v ? `${p}:${v}` : '';
    })
      .filter(Boolean)
      .join(';');
    const el = to[i] as SVGElement;
    el.removeAttribute('class');
    el.setAttribute('style', style);
  }
  return copy.innerHTML;
}

/** Escapes text for SVG/XML content and attributes. */
export function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
