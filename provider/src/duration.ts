// Go-style durations ("90s", "20m", "1h30m"), as terraform's timeouts blocks write them.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(s: string): number {
  const text = s.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (!text || pos !== text.length) throw new Error(`"${s}" is not a duration (examples: 30s, 20m, 1h30m)`);
  return total;
}
