type Attrs = Record<string, string | number | boolean | EventListener | undefined>;
type Child = Node | string | number | null | undefined | false;

/** A tiny element builder: `h('button', { onclick }, 'Save')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== 'string') (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children)
    if (child !== null && child !== undefined && child !== false)
      parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}

/** A table from rows; `cells` maps a row to its cells. */
export function table<T>(
  headers: string[],
  rows: T[],
  cells: (row: T) => Child[],
  attrs: Attrs = {},
): HTMLTableElement {
  return h(
    'table',
    attrs,
    h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', {}, t)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...cells(row).map((c) => h('td', {}, c))))),
  );
}

export const fmt = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '–');

/** Something a page holds while shown (a socket, a timer, a map) and releases when the user leaves it. */
export type Cleanup = () => void;
