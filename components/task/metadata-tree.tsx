/** JSON metadata as a nested key/value list. */
export function MetadataTree({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || value === undefined) return <span className="text-[var(--muted)]">null</span>;
  if (typeof value !== "object") return <span className="font-mono break-all">{typeof value === "string" ? value : JSON.stringify(value)}</span>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return <span className="text-[var(--muted)]">{Array.isArray(value) ? "[]" : "{}"}</span>;
  if (depth > 6) return <span className="font-mono break-all">{JSON.stringify(value)}</span>;
  return (
    <dl className={depth ? "border-l border-[var(--line)] pl-2" : ""}>
      {entries.map(([k, v]) => (
        <div key={k} className={v !== null && typeof v === "object" ? "" : "flex gap-2"}>
          <dt className="shrink-0 font-medium text-[var(--muted)]">{k}</dt>
          <dd><MetadataTree value={v} depth={depth + 1} /></dd>
        </div>
      ))}
    </dl>
  );
}
