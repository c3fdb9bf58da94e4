/**
 * Small SVG building blocks shared by the charts: escaping, axes (ticks from
 * d3-scale), a legend and the palette. Internal.
 *
 * @module
 */
// @ts-types="@types/d3-scale-chromatic"
import { schemeTableau10 } from "d3-scale-chromatic";

/** What an axis needs of a d3 scale. */
export interface AxisScale {
  (value: number): number;
  ticks(count?: number): number[];
  tickFormat(count?: number, specifier?: string): (value: number) => string;
  range(): number[];
}

/** The font every chart uses (DejaVu Sans is what PNG rendering finds on Linux). */
export const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

/** One colour per series, in order (Tableau 10, from d3-scale-chromatic). */
export const PALETTE: readonly string[] = schemeTableau10;

/**
 * Escapes text for an SVG element or attribute.
 *
 * @param text Any text.
 * @returns The text with `&`, `<`, `>` and quotes escaped.
 */
export function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/**
 * Wraps a body in an `<svg>` document with a white background.
 *
 * @param width Width in pixels.
 * @param height Height in pixels.
 * @param body The elements.
 * @returns The SVG document.
 */
export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="12">\n` +
    `<rect width="${width}" height="${height}" fill="white"/>\n${body}</svg>\n`;
}

/**
 * A text element.
 *
 * @param x Anchor x.
 * @param y Baseline y.
 * @param text The text (escaped here).
 * @param attrs Extra attributes, written as given.
 * @returns The element.
 */
export function text(x: number, y: number, text: string, attrs = ""): string {
  return `<text x="${round(x)}" y="${round(y)}" ${attrs}>${escapeXml(text)}</text>`;
}

/** Rounds a pixel coordinate to two decimals for compact output. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * A horizontal axis at the bottom of a plot area: line, ticks, labels, title.
 *
 * @param scale The x scale (its range is the plot area's width).
 * @param y The axis line's y.
 * @param label The axis title.
 * @param ticks How many ticks to ask the scale for.
 * @param integers Keep only whole-number ticks (epochs, steps).
 * @returns A `<g class="axis x-axis">` element.
 */
export function axisBottom(
  scale: AxisScale,
  y: number,
  label: string,
  ticks = 6,
  integers = false,
): string {
  const [x0, x1] = scale.range();
  const format = integers ? String : scale.tickFormat(ticks);
  const parts = [`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#333"/>`];
  for (const value of scale.ticks(ticks).filter((v) => !integers || Number.isInteger(v))) {
    const x = round(scale(value));
    parts.push(
      `<g class="tick"><line x1="${x}" y1="${y}" x2="${x}" y2="${y + 5}" stroke="#333"/>` +
        text(x, y + 18, format(value), 'text-anchor="middle"') + "</g>",
    );
  }
  parts.push(text((x0 + x1) / 2, y + 36, label, 'class="axis-title" text-anchor="middle"'));
  return `<g class="axis x-axis">${parts.join("")}</g>\n`;
}

/**
 * A vertical axis at the left of a plot area: line, ticks, labels, title.
 *
 * @param scale The y scale (its range is the plot area's height, bottom first).
 * @param x The axis line's x.
 * @param label The axis title.
 * @param ticks How many ticks to ask the scale for.
 * @param specifier A d3-format specifier for the tick labels. @default the scale's
 * @returns A `<g class="axis y-axis">` element.
 */
export function axisLeft(
  scale: AxisScale,
  x: number,
  label: string,
  ticks = 6,
  specifier?: string,
): string {
  const [y0, y1] = scale.range();
  const format = scale.tickFormat(ticks, specifier);
  const parts = [`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y1}" stroke="#333"/>`];
  for (const value of scale.ticks(ticks)) {
    const y = round(scale(value));
    const label = format(value);
    if (label === "") continue;
    parts.push(
      `<g class="tick"><line x1="${x - 5}" y1="${y}" x2="${x}" y2="${y}" stroke="#333"/>` +
        text(x - 8, y + 4, label, 'text-anchor="end"') + "</g>",
    );
  }
  const middle = round((y0 + y1) / 2);
  parts.push(
    text(
      x - 62,
      middle,
      label,
      `class="axis-title" text-anchor="middle" transform="rotate(-90 ${round(x - 62)} ${middle})"`,
    ),
  );
  return `<g class="axis y-axis">${parts.join("")}</g>\n`;
}

/** One legend entry. */
export interface LegendEntry {
  /** The label. */
  name: string;
  /** The line colour. */
  color: string;
  /** Whether the line is dashed. */
  dashed?: boolean;
}

/**
 * A boxed legend, one row per entry (a line sample and the name).
 *
 * @param entries The entries, in order.
 * @param x The box's left edge.
 * @param y The box's top edge.
 * @returns A `<g class="legend">` element.
 */
export function legend(entries: LegendEntry[], x: number, y: number): string {
  const longest = Math.max(...entries.map((e) => e.name.length));
  const width = 40 + longest * 7.6;
  const rows = entries.map((entry, i) => {
    const cy = y + 14 + i * 18;
    const dash = entry.dashed ? ' stroke-dasharray="5 3"' : "";
    return `<g class="legend-item"><line x1="${x + 6}" y1="${cy}" x2="${x + 24}" y2="${cy}" ` +
      `stroke="${entry.color}" stroke-width="2.5"${dash}/>` +
      text(x + 30, cy + 4, entry.name) + "</g>";
  });
  return `<g class="legend"><rect x="${x}" y="${y}" width="${round(width)}" height="${
    entries.length * 18 + 8
  }" fill="white" fill-opacity="0.85" stroke="#999"/>${rows.join("")}</g>\n`;
}
