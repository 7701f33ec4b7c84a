// What "the same answer" means for the compat run: the same status code and the same top-level field set
// (for a collection, also the field set of its first member). Values differ by nature (UUIDs, times, hosts).

function fieldSet(json) {
  return json && typeof json === 'object' && !Array.isArray(json) ? Object.keys(json).sort() : [];
}

/** The collection inside a list answer ({"nodes": [...]}), if any, and its first member. */
function firstMember(json) {
  if (!json || typeof json !== 'object') return null;
  for (const [k, v] of Object.entries(json)) if (Array.isArray(v) && v.length && v[0] && typeof v[0] === 'object' && k !== 'links') return [k, v[0]];
  return null;
}

function setDiff(label, a, b) {
  const onlyA = a.filter((k) => !b.includes(k));
  const onlyB = b.filter((k) => !a.includes(k));
  const out = [];
  if (onlyA.length) out.push(`${label}only Ironic has: ${onlyA.join(', ')}`);
  if (onlyB.length) out.push(`${label}only ironplan has: ${onlyB.join(', ')}`);
  return out;
}

/** The differences between Ironic's answer `a` and ironplan's `b`, in words (empty: the same). */
export function compareAnswers(a, b) {
  const out = [];
  if (a.status !== b.status) out.push(`status ${a.status} vs ${b.status}`);
  // An error's body is {"error_message": ...} in both; a success's fields are compared only when both succeeded.
  if (a.status < 300 && b.status < 300) {
    out.push(...setDiff('', fieldSet(a.json), fieldSet(b.json)));
    const [ma, mb] = [firstMember(a.json), firstMember(b.json)];
    if (ma && mb && ma[0] === mb[0]) out.push(...setDiff(`${ma[0]}[0]: `, fieldSet(ma[1]), fieldSet(mb[1])));
  } else if (a.status >= 400 && b.status >= 400) {
    out.push(...setDiff('error body: ', fieldSet(a.json), fieldSet(b.json)));
  }
  return out;
}
