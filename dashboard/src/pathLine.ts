/**
 * The 1-based line of a JSON document where an error path such as $.steps.wait3d.for (or $.cases[0].next) points,
 * found by walking the path's names through the text in order; the line of the deepest name found.
 */
export function lineOfPath(text: string, path: string): number | null {
  const names = path
    .replace(/^\$\.?/, "")
    .split(/\.|\[\d+\]/)
    .filter((s) => s.length > 0);
  let at = 0;
  let found = -1;
  for (const name of names) {
    const i = text.indexOf(JSON.stringify(name), at);
    if (i < 0) break;
    found = i;
    at = i + name.length + 2;
  }
  if (found < 0) return names.length === 0 ? 1 : null;
  return text.slice(0, found).split("\n").length;
}
