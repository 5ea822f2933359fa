"use client";
import { memo, type KeyboardEvent, type MouseEvent } from "react";
import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import type { BoardCard } from "@/lib/board-types";
import { CardVitals, formatDuration } from "./card-vitals";

function ageClass(card: BoardCard, now: number): string {
  if (card.status === "done" || card.status === "archived") return "";
  const days = (now - card.created_at) / 86400;
  if (days > 14) return "border-l-[var(--bad)]";
  if (days > 3) return "border-l-[var(--warn)]";
  return "border-l-transparent";
}

const Chip = ({ children, title }: { children: React.ReactNode; title?: string }) => (
  <span title={title} className="inline-flex max-w-full items-center truncate rounded border border-[var(--line)] bg-[var(--chip)] px-1 py-px text-[10.5px] leading-4 text-[var(--muted)]">
    {children}
  </span>
);

interface Props {
  card: BoardCard;
  now: number;
  flash?: number;
  onOpen(id: string): void;
  /** Ctrl/Cmd-click toggles, Shift-click selects a range in the column. */
  onSelect?(id: string, mode: "toggle" | "range"): void;
  selected?: boolean;
  /** Why the last bulk action failed for this card (shown as a red outline). */
  failed?: string;
  lane?: string;
  overlay?: boolean;
}

/**
 * A card's height before it is measured (px), calibrated on the rendered cards (13 px title at
 * ~32 characters a line, 11 px detail lines): close estimates keep the scrollbar steady.
 */
export function estimateCardHeight(card: BoardCard): number {
  let h = 62.5 + 18 * Math.max(1, Math.ceil(card.title.length / 32));
  if (card.status === "todo" && card.waiting_on?.length) h += 20.5;
  if (card.status === "blocked" && card.block_reason) h += 4 + 16.5 * Math.min(2, Math.ceil(card.block_reason.length / 45));
  if (card.status === "running" && card.vitals) h += 22.5 + (card.vitals.last_heartbeat_note ? 16.5 : 0);
  return h;
}

export function CardBody({ card, now }: { card: BoardCard; now: number }) {
  const links = (card.parent_count ?? 0) + (card.child_count ?? 0);
  return (
    <>
      <div className="flex items-center gap-1.5 text-[11px] text-[var(--muted)]">
        <span className="font-mono">{card.id}</span>
        {card.priority ? <span className="ml-auto font-medium text-[var(--fg)]" title="priority">P{card.priority}</span> : <span className="ml-auto" />}
      </div>
      <div className="mt-0.5 text-[13px] leading-snug font-medium text-[var(--fg)]">{card.title}</div>
      <div className="mt-1.5 flex flex-wrap items-center gap-1">
        {card.assignee ? (
          <Chip title="assignee">@{card.assignee}</Chip>
        ) : card.status === "ready" ? (
          <span className="rounded bg-[var(--warn-bg)] px-1 text-[10.5px] leading-4 text-[var(--warn)]">needs assignee</span>
        ) : null}
        {card.tenant && <Chip title="tenant">⌂ {card.tenant}</Chip>}
        {card.skills?.map((s) => <Chip key={s} title="skill">{s}</Chip>)}
        <span className="ml-auto flex items-center gap-2 text-[11px] text-[var(--muted)]">
          {card.comment_count ? <span title={`${card.comment_count} comments`} aria-label={`${card.comment_count} comments`}>✉ {card.comment_count}</span> : null}
          {links ? <span title={`${card.parent_count ?? 0} parents, ${card.child_count ?? 0} children`}>↔ {links}</span> : null}
          {card.child_count ? <span title="children done" data-testid="children-progress">{card.children_done ?? 0}/{card.child_count}</span> : null}
          <span title="age">{formatDuration(now - card.created_at)}</span>
        </span>
      </div>
      {card.status === "todo" && card.waiting_on?.length ? (
        <div className="mt-1 truncate text-[11px] text-[var(--muted)]">waiting on {card.waiting_on.join(", ")}</div>
      ) : null}
      {card.status === "blocked" && card.block_reason ? (
        <div className="mt-1 line-clamp-2 text-[11px] text-[var(--bad)]" data-testid="block-reason">{card.block_reason}</div>
      ) : null}
      {card.status === "running" && <CardVitals card={card} now={now} />}
    </>
  );
}

export const TaskCard = memo(function TaskCard({ card, now, flash, onOpen, onSelect, selected, failed, lane, overlay }: Props) {
  const { attributes, listeners, setNodeRef, isDragging, transform, transition } = useSortable({
    id: card.id,
    data: { status: card.status, lane, type: "card" },
    disabled: overlay,
  });
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    listeners?.onKeyDown?.(e);
    if (e.key === "Enter" && !e.defaultPrevented) onOpen(card.id);
  };
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (onSelect && (e.metaKey || e.ctrlKey)) onSelect(card.id, "toggle");
    else if (onSelect && e.shiftKey) onSelect(card.id, "range");
    else onOpen(card.id);
  };
  const ring = failed ? "ring-2 ring-[var(--bad)]" : selected ? "ring-2 ring-[var(--accent)]" : "";
  return (
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      role="article"
      aria-roledescription="draggable task card"
      aria-label={`${card.title} (${card.id})`}
      data-card-id={card.id}
      data-selected={selected ? "1" : undefined}
      data-failed={failed ? "1" : undefined}
      title={failed}
      data-flash={flash ? flash % 2 : undefined}
      onKeyDown={onKeyDown}
      onClick={onClick}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={`card group cursor-pointer rounded-md border border-l-2 border-[var(--line)] bg-[var(--card)] px-2.5 py-2 shadow-[0_1px_0_var(--shadow)] outline-none select-none hover:border-[var(--line-strong)] focus-visible:ring-2 focus-visible:ring-[var(--accent)] focus:outline-2 focus:outline-[var(--accent)] ${ring} ${ageClass(card, now)} ${isDragging && !overlay ? "opacity-40" : ""} ${overlay ? "rotate-1 shadow-lg" : ""}`}
    >
      {selected && <span className="sr-only">Selected. </span>}
      {failed && <span className="sr-only">Failed: {failed}</span>}
      <CardBody card={card} now={now} />
    </div>
  );
});
