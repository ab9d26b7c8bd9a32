import { memo, useEffect, useState } from "react";
import { Background, Controls, Edge, Handle, MarkerType, Node, NodeProps, Position, ReactFlow } from "@xyflow/react";
import type { JourneyDoc, JourneyStats, StepDoc } from "../api";
import { journeyEdges, layout, TriggerId } from "../graph";
import { formatNumber, useLocale } from "../i18n";

export interface StepNodeData extends Record<string, unknown> {
  stepId: string;
  step: StepDoc | null;
  trigger?: string;
  counts: Record<string, number>;
  predicted: boolean;
  selected: boolean;
}

const icons: Record<string, string> = {
  send: "✉",
  wait: "◔",
  waitForEvent: "⚡",
  branch: "◇",
  split: "⇉",
  update: "✎",
  exit: "■",
  trigger: "▶",
};

function describe(s: StepDoc | null, trigger?: string): string {
  if (!s) return trigger ?? "";
  switch (s.type) {
    case "send":
      return `${s.medium ?? ""} · ${s.message ?? ""}`;
    case "wait":
      return `${s.for ?? ""}${s.atLocalTime ? ` @ ${String(s.atLocalTime)}` : ""}`;
    case "waitForEvent":
      return `${s.event ?? ""} / ${s.timeout ?? ""}`;
    case "branch":
      return `${s.cases?.length ?? 0} case(s) + otherwise`;
    case "split":
      return (s.variants ?? []).map((v) => `${v.name} ${v.weight}%`).join(" / ");
    default:
      return "";
  }
}

const StepNode = memo(function StepNode({ data }: NodeProps<Node<StepNodeData>>) {
  const locale = useLocale();
  const { t } = locale;
  const c = data.counts;
  const type = data.step?.type ?? "trigger";
  const skipped = Object.entries(c).filter(([k]) => k.startsWith("skipped") || k.startsWith("deferred"));
  return (
    <div className={`step step-${type}${data.selected ? " selected" : ""}${data.predicted ? " predicted" : ""}`} data-testid={`node-${data.stepId}`}>
      <Handle type="target" position={Position.Top} />
      <div className="step-head">
        <span className="step-icon">{icons[type] ?? "•"}</span>
        <span className="step-id">{data.stepId}</span>
        <span className="step-type">{type}</span>
      </div>
      <div className="step-desc">{describe(data.step, data.trigger)}</div>
      <div className="step-counts">
        <span title={t.entered} data-testid={`count-${data.stepId}-entered`}>
          {t.entered} <b>{formatNumber(c.entered ?? 0, locale)}</b>
        </span>
        {c.waiting !== undefined && (
          <span title={t.waiting} data-testid={`count-${data.stepId}-waiting`}>
            {t.waiting} <b>{formatNumber(c.waiting, locale)}</b>
          </span>
        )}
        {c.sent !== undefined && (
          <span title={t.sent} data-testid={`count-${data.stepId}-sent`}>
            {t.sent} <b>{formatNumber(c.sent, locale)}</b>
          </span>
        )}
        {c.failed !== undefined && (
          <span>
            {t.failed} <b>{formatNumber(c.failed, locale)}</b>
          </span>
        )}
        {skipped.map(([k, n]) => (
          <span key={k} className="warn" data-testid={`count-${data.stepId}-${k}`}>
            {k.startsWith("skipped") ? t.skipped : t.deferred}
            {k.includes(":") ? ` (${k.slice(k.indexOf(":") + 1)})` : ""} <b>{formatNumber(n, locale)}</b>
          </span>
        ))}
        {c.exited !== undefined && (
          <span data-testid={`count-${data.stepId}-exited`}>
            {t.exited} <b>{formatNumber(c.exited, locale)}</b>
          </span>
        )}
      </div>
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
});

const nodeTypes = { step: StepNode };

/** Counts for each step: the step's counters, plus the exits at an exit step and the entries at the trigger. */
export function countsByStep(doc: JourneyDoc, stats: JourneyStats | null): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  if (!stats) return out;
  out[TriggerId] = { entered: stats.entered };
  for (const s of stats.steps) out[s.stepId] = { ...s.counts };
  for (const [id, step] of Object.entries(doc.steps ?? {})) {
    if (step.type === "exit") {
      out[id] = { ...(out[id] ?? {}), exited: out[id]?.entered ?? 0 };
    }
  }
  return out;
}

/**
 * The journey as a canvas laid out by elkjs: one node per step (and the trigger), edges labelled by case,
 * variant, event or timeout, and the counts of each step on its node.
 */
export function JourneyCanvas(props: {
  doc: JourneyDoc;
  stats: JourneyStats | null;
  predicted?: boolean;
  selected?: string | null;
  onSelect?: (stepId: string) => void;
  onDrawn?: () => void;
}) {
  const { doc, stats } = props;
  const [nodes, setNodes] = useState<Node<StepNodeData>[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const structure = JSON.stringify({ s: doc.steps, st: doc.start });

  useEffect(() => {
    let cancelled = false;
    const ids = [TriggerId, ...Object.keys(doc.steps ?? {})];
    const es = journeyEdges(doc);
    layout(ids, es).then((pos) => {
      if (cancelled) return;
      setEdges(
        es.map((e) => ({
          id: e.id,
          source: e.source,
          target: e.target,
          label: e.label,
          markerEnd: { type: MarkerType.ArrowClosed },
          type: "smoothstep",
        })),
      );
      setNodes(
        ids.map((id) => ({
          id,
          type: "step",
          position: pos.get(id) ?? { x: 0, y: 0 },
          data: { stepId: id, step: id === TriggerId ? null : doc.steps[id], trigger: triggerText(doc), counts: {}, predicted: false, selected: false },
        })),
      );
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structure]);

  const counts = countsByStep(doc, stats);
  const shown = nodes.map((n) => ({
    ...n,
    data: { ...n.data, counts: counts[n.id] ?? {}, predicted: props.predicted ?? false, selected: props.selected === n.id },
  }));

  useEffect(() => {
    if (nodes.length > 0 && stats) props.onDrawn?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nodes, stats]);

  return (
    <div className="canvas" data-testid="canvas" data-drawn={nodes.length > 0 && stats ? "true" : "false"}>
      {nodes.length > 0 && <ReactFlow
        nodes={shown}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        nodesDraggable={false}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_, n) => props.onSelect?.(n.id)}
        minZoom={0.2}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>}
    </div>
  );
}

function triggerText(doc: JourneyDoc): string {
  const tr = doc.trigger as Record<string, unknown> | undefined;
  if (!tr) return "";
  if (typeof tr.event === "string") return `event: ${tr.event}`;
  if (typeof tr.segment === "string") return `segment: ${tr.segment}`;
  if (tr.schedule || tr.at || tr.every) return "schedule";
  return Object.keys(tr).join(", ");
}
