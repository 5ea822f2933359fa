/**
 * Columns are windowed, so the DOM holds only some of their cards. Keyboard navigation and Shift
 * range selection ask this registry for a column's full card order and for a way to bring a card
 * on screen, keyed by the column's `data-col-key`.
 */
export interface ColumnHandle {
  ids: readonly string[];
  /** Scrolls the card into the column's view and keeps it mounted. */
  reveal(id: string): void;
}

const columns = new Map<string, ColumnHandle>();

export function registerColumn(key: string, handle: ColumnHandle): () => void {
  columns.set(key, handle);
  return () => {
    if (columns.get(key) === handle) columns.delete(key);
  };
}

export const getColumn = (key: string | undefined) => (key ? columns.get(key) : undefined);

/** The column (key) a card element sits in. */
export const columnKeyOf = (el: Element | null | undefined) => el?.closest<HTMLElement>("section[data-col-key]")?.dataset.colKey;

/** Focuses a card by id once it is mounted (after `reveal`, that takes a frame or two). */
export function focusCardWhenMounted(id: string, tries = 10) {
  const el = document.querySelector<HTMLElement>(`[data-card-id="${CSS.escape(id)}"]`);
  if (el) {
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
    return;
  }
  if (tries > 0) requestAnimationFrame(() => focusCardWhenMounted(id, tries - 1));
}
