import ELK from "elkjs/lib/elk.bundled.js";
import type { JourneyDoc, StepDoc } from "./api";

/** An edge of the journey graph with the label the canvas draws on it. */
export interface JourneyEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
}

export const TriggerId = "(trigger)";
export const NodeWidth = 200;
export const NodeHeight = 100;

/** The edges a step leads along, labelled by the case, variant or outcome. */
export function stepEdges(id: string, s: StepDoc): JourneyEdge[] {
  const out: JourneyEdge[] = [];
  const add = (target: string | undefined, label?: string) => {
    if (target) out.push({ id: `${id}->${target}#${out.length}`, source: id, target, label });
  };
  add(s.next);
  s.cases?.forEach((c, i) => add(c.next, `case ${i + 1}`));
  add(s.otherwise, "otherwise");
  s.variants?.forEach((v) => add(v.next, `${v.name} ${v.weight}%`));
  add(s.onEvent, s.event ? `${s.event}` : "event");
  add(s.onTimeout, "timeout");
  return out;
}

export function journeyEdges(doc: JourneyDoc): JourneyEdge[] {
  const edges: JourneyEdge[] = [{ id: "trigger", source: TriggerId, target: doc.start }];
  for (const [id, s] of Object.entries(doc.steps ?? {})) edges.push(...stepEdges(id, s));
  const known = new Set([TriggerId, ...Object.keys(doc.steps ?? {})]);
  return edges.filter((e) => known.has(e.target));
}

const elk = new ELK();

/** Node positions from elkjs's layered layout, top to bottom. */
export async function layout(ids: string[], edges: JourneyEdge[]): Promise<Map<string, { x: number; y: number }>> {
  const graph = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.spacing.nodeNode": "30",
      "elk.layered.spacing.nodeNodeBetweenLayers": "36",
      "elk.edgeRouting": "ORTHOGONAL",
    },
    children: ids.map((id) => ({ id, width: NodeWidth, height: NodeHeight })),
    edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const positions = new Map<string, { x: number; y: number }>();
  for (const c of graph.children ?? []) positions.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return positions;
}
