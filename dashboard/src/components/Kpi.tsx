/** One figure in a page's header row. */
export function Kpi(props: { label: string; value: string; testId?: string }) {
  return (
    <div className="kpi" data-testid={props.testId}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value">{props.value}</div>
    </div>
  );
}
