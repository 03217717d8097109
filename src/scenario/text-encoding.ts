/**
 * Input files are UTF-8. A file saved as UTF-16 (Windows editors, PowerShell's `>`) decodes as UTF-8
 * into text with a NUL after every letter, which YAML then reads as one odd string: say what it is.
 */
export type DecodedText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string };

export function decodeUtf8(bytes: Buffer): DecodedText {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'little-endian' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'big-endian' : undefined;
  if (utf16) return { ok: false, problem: `is UTF-16 (${utf16}) encoded; kubeknock reads UTF-8: convert it, e.g. iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8` };
  if (bytes.includes(0)) {
    return { ok: false, problem: 'contains NUL bytes: it is binary, or UTF-16/UTF-32 without a byte order mark; kubeknock reads UTF-8 text: convert it, e.g. iconv -f UTF-16LE -t UTF-8 FILE > FILE.utf8' };
  }
  const text = bytes.toString('utf8');
  // A UTF-8 byte order mark is harmless but not part of the YAML.
  return { ok: true, text: text.startsWith('\ufeff') ? text.slice(1) : text };
}
