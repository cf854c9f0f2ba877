// A table whose rows are kept by key and updated in place: the fleet changes every second, and replacing the rows
// would swallow an operator's click that lands during an update.

export interface Column<T> {
  header: string;
  className?: string;
  text(row: T): string;
  // Optional: an element drawn before the text (a status dot), updated in place.
  decorate?(cell: HTMLTableCellElement, row: T): void;
}

export interface RowActions<T> {
  create(row: T): HTMLElement;
  update(element: HTMLElement, row: T): void;
}

export class KeyedTable<T> {
  readonly element: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly rows = new Map<string, { tr: HTMLTableRowElement; actions?: HTMLElement }>();

  constructor(
    private readonly columns: Column<T>[],
    private readonly key: (row: T) => string,
    private readonly actions?: RowActions<T>,
  ) {
    this.element = document.createElement('table');
    const head = this.element.createTHead().insertRow();
    for (const column of columns) {
      const th = document.createElement('th');
      th.textContent = column.header;
      if (column.className) th.className = column.className;
      head.appendChild(th);
    }
    if (actions) head.appendChild(document.createElement('th'));
    this.body = this.element.createTBody();
  }

  render(rows: T[]): void {
    const seen = new Set<string>();
    let previous: HTMLTableRowElement | null = null;
    for (const row of rows) {
      const key = this.key(row);
      seen.add(key);
      let entry = this.rows.get(key);
      if (!entry) {
        const tr = document.createElement('tr');
        tr.dataset.key = key;
        for (const column of this.columns) {
          const td = document.createElement('td');
          if (column.className) td.className = column.className;
          tr.appendChild(td);
        }
        entry = { tr };
        if (this.actions) {
          const td = document.createElement('td');
          td.className = 'actions';
          entry.actions = this.actions.create(row);
          td.appendChild(entry.actions);
          tr.appendChild(td);
        }
        this.rows.set(key, entry);
      }
      this.columns.forEach((column, i) => {
        const td = entry.tr.cells[i];
        if (column.decorate) column.decorate(td, row);
        const text = column.text(row);
        const textNode = td.lastChild;
        if (textNode && textNode.nodeType === Node.TEXT_NODE) {
          if (textNode.nodeValue !== text) textNode.nodeValue = text;
        } else {
          td.appendChild(document.createTextNode(text));
        }
      });
      if (this.actions && entry.actions) this.actions.update(entry.actions, row);
      const expected: ChildNode | null = previous ? previous.nextSibling : this.body.firstChild;
      if (expected !== entry.tr) this.body.insertBefore(entry.tr, expected);
      previous = entry.tr;
    }
    for (const [key, entry] of this.rows) {
      if (!seen.has(key)) {
        entry.tr.remove();
        this.rows.delete(key);
      }
    }
  }
}

// Row actions of one confirm button per row, or undefined (no button column at all) when `offered` is false: the
// signed-in role may not take the action. `dataset` tags the button (data-ride="r7") for tests and look-ups.
export function buttonColumn<T>(
  offered: boolean,
  spec: {
    label(row: T): string;
    dataset(row: T): Record<string, string>;
    act(row: T, button: HTMLButtonElement): Promise<unknown>;
    update(button: HTMLButtonElement, row: T): void;
  },
): RowActions<T> | undefined {
  if (!offered) return undefined;
  return {
    create: (row) => {
      const button = confirmButton(spec.label(row), (b) => spec.act(row, b));
      Object.assign(button.dataset, spec.dataset(row));
      return button;
    },
    update: (element, row) => spec.update(element as HTMLButtonElement, row),
  };
}

// A button that asks once more before acting: the first click arms it for 4 s ("Confirm …?"), the second acts.
export function confirmButton(label: string, act: (button: HTMLButtonElement) => Promise<unknown>): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.dataset.label = label;
  let timer: number | undefined;
  button.addEventListener('click', () => {
    if (button.dataset.armed !== 'true') {
      button.dataset.armed = 'true';
      button.textContent = `Confirm ${(button.dataset.label ?? '').toLowerCase()}?`;
      button.classList.add('armed');
      timer = window.setTimeout(() => disarm(button), 4000);
      return;
    }
    window.clearTimeout(timer);
    disarm(button);
    button.disabled = true;
    void act(button).finally(() => {
      button.disabled = false;
    });
  });
  return button;
}

export function disarm(button: HTMLButtonElement): void {
  button.dataset.armed = 'false';
  button.classList.remove('armed');
  button.textContent = button.dataset.label ?? '';
}

// Relabels a confirm button (when what it does changes), unless it is armed.
export function relabel(button: HTMLButtonElement, label: string): void {
  if (button.dataset.label === label) return;
  button.dataset.label = label;
  if (button.dataset.armed !== 'true') button.textContent = label;
}
