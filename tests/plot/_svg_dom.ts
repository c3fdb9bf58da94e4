/**
 * Parses an SVG document with xmldom, failing on malformed XML, and finds
 * elements by tag and class. Test helper.
 *
 * @module
 */
import { DOMParser, type Element } from "@xmldom/xmldom";

/** Parses SVG text; throws on any XML error. */
export function parseSvg(svg: string): Element {
  const doc = new DOMParser({
    onError: (level: string, message: string) => {
      if (level !== "warning") throw new Error(`bad SVG: ${message}`);
    },
  }).parseFromString(svg, "image/svg+xml");
  return doc.documentElement!;
}

/** Elements with a tag name and (optionally) a class among their classes. */
export function find(root: Element, tag: string, cls?: string): Element[] {
  const all = Array.from(root.getElementsByTagName(tag));
  if (cls === undefined) return all;
  return all.filter((e) => (e.getAttribute("class") ?? "").split(" ").includes(cls));
}

/** The text of the `<text>` elements under an element. */
export function texts(root: Element): string[] {
  return find(root, "text").map((t) => t.textContent ?? "");
}
