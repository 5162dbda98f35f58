/**
 * Colour on stdout, decided once: FORCE_COLOR (Node's meaning: 0/false is off) wins,
 * then a non-empty NO_COLOR (no-color.org), then a TTY that is not TERM=dumb.
 */
export function useColor(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ["", "1", "2", "3", "true"].includes(force);
  if (env.NO_COLOR) return false;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}
