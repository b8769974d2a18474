// Starts each behaviour named by a data-module attribute on the page; nothing else.
// A behaviour is a module in this folder whose default export is a class taking the element.
const started = new WeakSet();

export async function startModules(root = document) {
  for (const element of root.querySelectorAll("[data-module]")) {
    if (started.has(element)) continue;
    started.add(element);
    const name = element.dataset.module;
    if (!/^[a-z][a-z-]*$/.test(name)) continue;
    try {
      const { default: Behaviour } = await import(`./${name}.mjs`);
      new Behaviour(element).start();
    } catch (error) {
      // A behaviour that fails leaves the server-rendered page as it was: it still works.
      console.warn(`data-module="${name}" did not start`, error);
    }
  }
}

startModules();
