// Diagnostics as terraform shows them: with an attribute path it points at the configuration line.
export type PathStep = string | number | { key: string };
export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  path?: PathStep[];
}

/** An error a handler throws to end the call with these diagnostics (never an opaque gRPC failure). */
export class DiagError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(summary: string, detail?: string, path?: PathStep[]) {
    super(detail ? `${summary}: ${detail}` : summary);
    this.diagnostics = [{ severity: 'error', summary, detail, path }];
  }
}

export const err = (summary: string, detail?: string, path?: PathStep[]): Diagnostic => ({ severity: 'error', summary, detail, path });
export const warn = (summary: string, detail?: string, path?: PathStep[]): Diagnostic => ({ severity: 'warning', summary, detail, path });

export function diagToProto(d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity === 'error' ? 1 : 2,
    summary: d.summary,
    detail: d.detail ?? '',
    attribute: d.path?.length
      ? {
          steps: d.path.map((s) =>
            typeof s === 'string' ? { attribute_name: s } : typeof s === 'number' ? { element_key_int: s } : { element_key_string: s.key },
          ),
        }
      : undefined,
  };
}

export function toDiagnostics(e: unknown): Diagnostic[] {
  if (e instanceof DiagError) return e.diagnostics;
  return [err('ironplan provider error', e instanceof Error ? e.message : String(e))];
}
