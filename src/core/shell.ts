/**
 * The one way a value enters a shell command azfn-health prints or writes to plan.sh. Slot names,
 * setting names, resource groups and deployment ids come from Azure, where anyone with write access
 * to an app controls them: every one is a single word to the shell, whatever it contains.
 * POSIX single quotes: nothing inside them is special but `'`, written as `'\''`.
 * https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_02_02
 */
export function shellQuote(value: string): string {
  // Bare only when no shell (bash, zsh, sh) gives any of it a meaning: no globbing, tilde,
  // expansion, operator or whitespace; a leading `=` is zsh's command expansion.
  if (/^[A-Za-z0-9_./:,@%+-][A-Za-z0-9_./:=,@%+-]*$/.test(value)) return value;
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** A command line from its words, each quoted. */
export function shellCommand(...words: string[]): string {
  return words.map(shellQuote).join(" ");
}

/**
 * An option and its value for `az`, whose parser (Python's argparse) reads a word that starts with
 * `-` as another option even right after one that takes a value: `--slot -x` is refused and
 * `--slot --subscription=y` would be read as two options. Such a value is attached with `=`
 * (`--slot=-x`), which argparse always reads as the option's value.
 * https://docs.python.org/3/library/argparse.html#option-value-syntax
 */
export function shellOption(option: string, value: string): string {
  return value.startsWith("-")
    ? shellQuote(`${option}=${value}`)
    : `${shellQuote(option)} ${shellQuote(value)}`;
}
