// Just enough of a document for dashboard-live.mjs's swap: elements with children, moves and
// focus. As in Chromium, taking a node out of the document (a move included) takes the focus
// from anything inside it, so a test sees every focus a swap would lose.

export class FakeText {
  constructor(text) {
    this.nodeType = 3;
    this.textContent = text;
    this.parentNode = null;
  }

  get outerHTML() { return this.textContent.replace(/&/g, "&amp;").replace(/</g, "&lt;"); }
}

export class FakeDocument {
  constructor() {
    this.root = new FakeElement(this, "html");
    this.activeElement = this.root;
    this.focusCalls = 0;
  }

  createElement(tag) { return new FakeElement(this, tag); }
}

export class FakeElement {
  constructor(doc, tag) {
    this.ownerDocument = doc;
    this.nodeType = 1;
    this.tagName = tag.toUpperCase();
    this.attributes = new Map();
    this.childNodes = [];
    this.parentNode = null;
    this.dataset = {};
    this.hidden = false;
  }

  get children() { return this.childNodes.filter((node) => node.nodeType === 1); }
  get lastElementChild() { return this.children.at(-1) ?? null; }
  get isConnected() {
    let node = this;
    while (node.parentNode) node = node.parentNode;
    return node === this.ownerDocument.root;
  }

  get textContent() { return this.childNodes.map((node) => node.textContent).join(""); }

  get outerHTML() {
    const attributes = [...this.attributes].map(([name, value]) => ` ${name}="${value}"`).join("");
    const tag = this.tagName.toLowerCase();
    return `<${tag}${attributes}>${this.childNodes.map((node) => node.outerHTML).join("")}</${tag}>`;
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
    if (name.startsWith("data-")) {
      const key = name.slice(5).replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
      this.dataset[key] = String(value);
    }
  }

  getAttribute(name) { return this.attributes.get(name) ?? null; }

  contains(node) {
    for (let current = node; current; current = current.parentNode) if (current === this) return true;
    return false;
  }

  // Descendants by tag name, or "thead th": all that dashboard-live.mjs asks for.
  querySelectorAll(selector) {
    const tag = selector.split(" ").at(-1).toUpperCase();
    const found = [];
    const walk = (element) => {
      for (const child of element.children) {
        if (child.tagName === tag) found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  }

  detach() {
    const parent = this.parentNode;
    if (!parent) return;
    if (this.contains(this.ownerDocument.activeElement)) {
      this.ownerDocument.activeElement = this.ownerDocument.root;
    }
    parent.childNodes.splice(parent.childNodes.indexOf(this), 1);
    this.parentNode = null;
  }

  append(...nodes) {
    for (const node of nodes) this.insertBefore(node, null);
  }

  insertBefore(node, reference) {
    if (node.detach) node.detach();
    else if (node.parentNode) node.parentNode.childNodes.splice(node.parentNode.childNodes.indexOf(node), 1);
    const index = reference ? this.childNodes.indexOf(reference) : this.childNodes.length;
    this.childNodes.splice(index, 0, node);
    node.parentNode = this;
    return node;
  }

  remove() { this.detach(); }

  replaceWith(node) {
    const parent = this.parentNode;
    const next = parent.childNodes[parent.childNodes.indexOf(this) + 1];
    this.detach();
    parent.insertBefore(node, next ?? null);
  }

  focus() {
    this.ownerDocument.activeElement = this;
    this.ownerDocument.focusCalls += 1;
  }
}

// A table body in the document, with the page's whitespace between rows.
export function tableBody(doc, rows) {
  const body = doc.createElement("tbody");
  doc.root.append(body);
  for (const row of rows) body.append(new FakeText("\n  "), row);
  body.append(new FakeText("\n"));
  return body;
}

// One row as dashboard_rows.html draws it: the time links to the invite, then reference,
// status and each check's glyph (hidden from screen readers) and words.
export function row(doc, { id, time = "14.00", reference = "Ti 14", status = "Not opened", checks = [] }) {
  const element = (tag, ...children) => {
    const made = doc.createElement(tag);
    made.append(...children.map((child) => (typeof child === "string" ? new FakeText(child) : child)));
    return made;
  };
  const tr = element("tr");
  tr.setAttribute("data-invite-id", id);
  const link = element("a", time);
  link.setAttribute("href", `/staff/invites/${id}`);
  const th = element("th", link);
  th.setAttribute("scope", "row");
  const list = element("ul", ...checks.map(([glyph, text]) => {
    const symbol = element("span", glyph);
    symbol.setAttribute("aria-hidden", "true");
    return element("li", symbol, ` ${text}`);
  }));
  tr.append(th, element("td", reference), element("td", element("span", status)),
    element("td", ...(checks.length ? [list] : [])));
  return tr;
}
