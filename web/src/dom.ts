// Building and updating the page: elements from properties and children, and lists kept in order
// by moving only the nodes that are out of place (focus and screen readers are left alone).
// User data only ever reaches the page as text (textContent, text nodes), never as markup.

type Properties<K extends keyof HTMLElementTagNameMap> = Partial<
  Omit<HTMLElementTagNameMap[K], 'dataset' | 'style'>
> & { readonly dataset?: Record<string, string> };

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Properties<K> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const { dataset, ...rest } = properties;
  const node = Object.assign(document.createElement(tag), rest);
  Object.assign(node.dataset, dataset);
  node.append(...children);
  return node;
}

/** An element of the page that must be there (the page and this code ship together). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

/** Makes `parent`'s children exactly `nodes`, in order, moving only what is out of place. */
export function reconcile(parent: Element, nodes: readonly Node[]): void {
  const kept = new Set(nodes);
  for (const child of [...parent.childNodes]) if (!kept.has(child)) child.remove();
  nodes.forEach((node, index) => {
    const current = parent.childNodes[index];
    if (current !== node) parent.insertBefore(node, current ?? null);
  });
}
