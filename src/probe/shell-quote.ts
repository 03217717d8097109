/**
 * POSIX shell quoting for arguments embedded in scripts that run inside probe pods.
 *
 * The scenario loader already rejects odd hosts, names and URLs; quoting anyway means a validation
 * gap can never become command injection inside someone's namespace.
 */

/** Safe characters that need no quoting; keeping them bare makes commands in reports readable. */
const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** `NAME=value` as a command's first word is an assignment, not an argument: always quote it. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Quotes `value` as one shell word: bare when it only holds harmless characters, otherwise in single
 * quotes, where nothing is special except the single quote itself, which becomes `'\''` (close the
 * quote, an escaped quote, reopen).
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) {
    // No shell word can carry a NUL byte; silently truncating would run a different command.
    throw new Error('shellQuote: a shell argument cannot contain a NUL byte');
  }
  if (BARE.test(value) && !ASSIGNMENT.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes every word of an argv and joins them into one command line. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
