/** What every renderer is told about where its text will go; renderers read nothing else. */
export interface RenderOptions {
  /** Emit ANSI colour. The caller decides (TTY, NO_COLOR, --color), never the renderer. */
  readonly color: boolean;
  /** Terminal columns to fit into, when known. */
  readonly width?: number;
}
