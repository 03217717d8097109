/** One graph in one of the picture formats: what `-o dot|mermaid|html` of every command comes down to. */
import { assertNever } from '../../model/assert-never.js';
import { renderHtml, type HtmlAssets } from '../html/page.js';
import { renderDot } from './dot.js';
import { renderMermaid } from './mermaid.js';
import type { Graph } from './types.js';

export { PICTURE_FORMATS, isPictureFormat, pictureFormatForFile, type PictureFormat } from './picture-formats.js';
import type { PictureFormat } from './picture-formats.js';

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
