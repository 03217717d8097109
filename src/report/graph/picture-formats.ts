/**
 * The picture formats by name, apart from their renderers: commands list them as flag choices at
 * start-up, and only a command that draws should load the renderers (render.ts).
 */
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
