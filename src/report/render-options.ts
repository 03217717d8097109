/** What every renderer is told about where its text will go; renderers read nothing else. */
import type { HtmlAssets } from './html/page.js';

export interface RenderOptions {
  /** Emit ANSI colour. The caller decides (TTY, NO_COLOR, --color), never the renderer. */
  readonly color: boolean;
  /** Terminal columns to fit into, when known. */
  readonly width?: number;
  /** The bundled scripts of `-o html` (the app layer reads them from dist/); needed for html only. */
  readonly htmlAssets?: HtmlAssets;
  /** The plan the reports carry out (a rollout's, as its plan renderer prints it): the HTML page shows it above the steps. */
  readonly plan?: string;
}
