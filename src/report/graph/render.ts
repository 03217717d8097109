/** One graph in one of the picture formats: what `-o dot|mermaid|html` of every command comes down to. */
import { assertNever } from '../../model/assert-never.js';
import { renderHtml, type HtmlAssets } from '../html/page.js';
import { renderDot } from './dot.js';
import { renderMermaid } from './mermaid.js';
import type { Graph } from './types.js';

export const PICTURE_FORMATS = ['dot', 'mermaid', 'html'] as const;

export type PictureFormat = (typeof PICTURE_FORMATS)[number];

export function isPictureFormat(value: string): value is PictureFormat {
  return (PICTURE_FORMATS as readonly string[]).includes(value);
}

/** The picture format a file name asks for: .html/.htm, .dot/.gv, .mmd; undefined for anything else. */
export function pictureFormatForFile(file: string): PictureFormat | undefined {
  if (/\.html?$/i.test(file)) return 'html';
  if (/\.(dot|gv)$/i.test(file)) return 'dot';
  if (/\.mmd$/i.test(file)) return 'mermaid';
  return undefined;
}

export function renderGraph(format: PictureFormat, graph: Graph, htmlAssets: HtmlAssets | undefined): string {
  switch (format) {
    case 'dot':
      return renderDot(graph);
    case 'mermaid':
      return renderMermaid(graph.sections);
    case 'html':
      if (!htmlAssets) throw new Error('renderGraph: -o html needs the bundled assets; the caller must load them (src/app/html-assets.ts)');
      return renderHtml(graph, htmlAssets);
    default:
      return assertNever(format, 'picture format');
  }
}
