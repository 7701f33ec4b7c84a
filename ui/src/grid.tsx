// One small cell per node on a canvas, coloured by what the user chose to see (provision state, power,
// maintenance and faults). A DOM element per node would be 10,000 elements re-laid-out on each change;
// the canvas repaints only the cells that changed since the last frame.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fleet, type FleetNode } from './fleet.js';
import { navigate } from './router.js';
import { MAINT_COLOUR, POWER_COLOUR, STATE_COLOUR } from './states.js';

export type ColourBy = 'provision' | 'power' | 'health';

/** A node's health as the overview's bar and the grid both show it: a fault outranks maintenance. */
export const healthOf = (n: FleetNode): keyof typeof MAINT_COLOUR => (n.fault ? 'fault' : n.maintenance ? 'maintenance' : 'ok');

export function colourOf(n: FleetNode, by: ColourBy): string {
  if (by === 'power') return POWER_COLOUR[n.power_state ?? 'none'] ?? POWER_COLOUR.none!;
  if (by === 'health') return MAINT_COLOUR[healthOf(n)];
  return STATE_COLOUR[n.provision_state] ?? '#000';
}

const GAP = 1;

/** The largest cell (3..14 px) that fits every node within the width and about `maxHeight`. */
function cellSize(width: number, count: number, maxHeight: number): number {
  if (!count) return 14;
  const fit = Math.floor(Math.sqrt((width * maxHeight) / count)) - GAP;
  return Math.max(3, Math.min(14, fit));
}

export function Grid({ by, maxHeight = 420 }: { by: ColourBy; maxHeight?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ n: FleetNode; x: number; y: number } | null>(null);
  const layout = useRef({ cell: 8, perRow: 1 });

  useEffect(() => {
    const c = canvas.current!;
    const ctx = c.getContext('2d', { alpha: false })!;
    const drawCell = (n: FleetNode) => {
      const { cell, perRow } = layout.current;
      const x = (n.index % perRow) * (cell + GAP);
      const y = Math.floor(n.index / perRow) * (cell + GAP);
      ctx.fillStyle = colourOf(n, by);
      ctx.fillRect(x, y, cell, cell);
    };
    const drawAll = () => {
      const width = wrap.current!.clientWidth || 800;
      const cell = cellSize(width, fleet.nodes.length, maxHeight);
      const perRow = Math.max(1, Math.floor((width + GAP) / (cell + GAP)));
      layout.current = { cell, perRow };
      const rows = Math.ceil(fleet.nodes.length / perRow);
      const dpr = window.devicePixelRatio || 1;
      const h = Math.max(cell, rows * (cell + GAP));
      c.width = Math.floor(width * dpr);
      c.height = Math.floor(h * dpr);
      c.style.width = `${width}px`;
      c.style.height = `${h}px`;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, h);
      for (const n of fleet.nodes) drawCell(n);
    };
    drawAll();
    const off = fleet.onChange((change) => {
      if (change.all) drawAll();
      else for (const n of change.changed) drawCell(n);
    });
    const ro = new ResizeObserver(() => drawAll());
    ro.observe(wrap.current!);
    return () => {
      off();
      ro.disconnect();
    };
  }, [by, maxHeight]);

  const at = (e: MouseEvent): FleetNode | undefined => {
    const r = canvas.current!.getBoundingClientRect();
    const { cell, perRow } = layout.current;
    const col = Math.floor((e.clientX - r.left) / (cell + GAP));
    const row = Math.floor((e.clientY - r.top) / (cell + GAP));
    if (col < 0 || col >= perRow) return undefined;
    return fleet.nodes[row * perRow + col];
  };

  return (
    <div class="grid-wrap" ref={wrap} onMouseLeave={() => setHover(null)}>
      <canvas
        ref={canvas}
        data-testid="fleet-grid"
        role="img"
        aria-label={`${fleet.nodes.length} nodes, one cell each, coloured by ${by}`}
        onMouseMove={(e) => {
          const n = at(e);
          setHover(n ? { n, x: e.offsetX, y: e.offsetY } : null);
        }}
        onClick={(e) => {
          const n = at(e);
          if (n) navigate(`/nodes/${n.uuid}`);
        }}
      />
      {hover && (
        <div class="tip" style={{ left: hover.x + 12, top: hover.y + 12 }}>
          <b>{hover.n.name ?? hover.n.uuid}</b>
          <div>{hover.n.provision_state} · {hover.n.power_state ?? 'power unknown'}{hover.n.maintenance ? ' · maintenance' : ''}{hover.n.fault ? ' · fault' : ''}</div>
        </div>
      )}
    </div>
  );
}
