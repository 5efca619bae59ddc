/**
 * Saving the charts as an image: the charts' snapshots (SVG markup of each layer, data as vector paths)
 * stacked under a caption into one standalone SVG; the PNG is that SVG drawn on a canvas at twice the size.
 */
import type { ChartSnapshot } from './TimeChart.svelte';
import { xmlText } from './svg-path';

export interface ExportText {
  /** First line: what the data is. */
  caption: string;
  /** Further lines: the settings, the range. */
  detail: string[];
  background: string;
  color: string;
  muted: string;
  font: string;
  /** The key to the marks, as the page's chart legends give it (drawn under the detail lines). */
  legend?: LegendItem[];
}

/** One entry of the key: a swatch of the mark (a line, a dashed line, a band or a dot) and its words. */
export interface LegendItem {
  label: string;
  color: string;
  kind: 'line' | 'dash' | 'band' | 'dot';
  /** How much of the colour a band shows (1 when not given). */
  opacity?: number;
}

const SWATCH = 16;

/** The key as SVG, wrapped into rows no wider than `width`; its height. */
function legendSvg(items: readonly LegendItem[], top: number, width: number, text: ExportText): { svg: string; height: number } {
  let x = 0;
  let row = 0;
  let svg = '';
  for (const item of items) {
    // an estimate of the words' width (12 px type): enough to keep entries apart, wrapping when one would not fit
    const w = SWATCH + 5 + Math.ceil(item.label.length * 6.2) + 16;
    if (x > 0 && x + w > width) {
      x = 0;
      row++;
    }
    const y = top + row * LINE;
    const mid = y - 4;
    if (item.kind === 'band') {
      const opacity = item.opacity === undefined ? '' : ` fill-opacity="${item.opacity}"`;
      svg += `<rect x="${x}" y="${y - 10}" width="${SWATCH}" height="11" fill="${item.color}"${opacity}/>`;
    }
    else if (item.kind === 'dot') svg += `<circle cx="${x + SWATCH / 2}" cy="${mid}" r="4" fill="${item.color}"/>`;
    else {
      const dash = item.kind === 'dash' ? ' stroke-dasharray="4 3"' : '';
      svg += `<line x1="${x}" y1="${mid}" x2="${x + SWATCH}" y2="${mid}" stroke="${item.color}" stroke-width="2"${dash}/>`;
    }
    svg += `<text x="${x + SWATCH + 5}" y="${y}" font-size="12" fill="${text.color}">${xmlText(item.label)}</text>`;
    x += w;
  }
  return { svg, height: items.length ? (row + 1) * LINE + 4 : 0 };
}

const LINE = 17;
const TITLE = 22;
const GAP = 10;

/** One standalone SVG document with the charts one above the other. */
export function composeSvg(charts: ChartSnapshot[], text: ExportText): { svg: string; width: number; height: number } {
  const width = Math.max(...charts.map((c) => c.width), 320);
  const legend = legendSvg(text.legend ?? [], 38 + text.detail.length * LINE, width, text);
  let y = 30 + text.detail.length * LINE + legend.height;
  let body = legend.svg;
  for (const c of charts) {
    body += `<text x="0" y="${y + 15}" font-size="15" font-weight="600" fill="${text.color}">${xmlText(c.title)}</text>`;
    y += TITLE;
    body += `<svg x="0" y="${y}" width="${c.width}" height="${c.height}" overflow="hidden">${c.body}</svg>`;
    y += c.height + GAP;
  }
  const height = y;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${xmlText(text.font)}">` +
    `<rect width="100%" height="100%" fill="${text.background}"/>` +
    `<text x="0" y="18" font-size="16" font-weight="700" fill="${text.color}">${xmlText(text.caption)}</text>` +
    text.detail.map((d, i) => `<text x="0" y="${38 + i * LINE}" font-size="12" fill="${text.muted}">${xmlText(d)}</text>`).join('') +
    body +
    `</svg>`;
  return { svg, width, height };
}

/** Draws an SVG document on a canvas (`scale` times its size) and encodes it as PNG. */
export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the browser could not draw the chart image'));
    });
    img.src = url;
    await loaded;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
