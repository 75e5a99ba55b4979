// The theme for keyboard and screen-reader users, and the instructor's print (issue 14; the
// build side is book/_ext/access.py).
//  - The skip link (the theme's, first on every page) lands in the article itself, past the
//    page's toolbar, and takes the keyboard focus there.
//  - Each solution's toggle button is named after its exercise ("Show the solution to
//    Exercise 2"), and its name follows its state.
//  - The sidebar's long groups of links (the workbook's notebooks, the appendices) fold under
//    their heading unless the page is one of them, so that a keyboard user tabs past a heading
//    instead of seven links; the heading is a button that opens them (remembered for the visit).
//  - ?solutions=1 in the address opens every solution, for an instructor's printed copy.
(() => {
  const SOLUTIONS = new URLSearchParams(window.location.search).get("solutions");
  const instructorCopy = SOLUTIONS !== null && !["0", "no", "false"].includes(SOLUTIONS);
  if (instructorCopy) document.documentElement.classList.add("print-solutions");

  function skipLink() {
    const link = document.querySelector("#pst-skip-link a");
    const article = document.querySelector("main article.bd-article");
    if (!link || !article) return;
    if (!article.id) article.id = "page-content";
    article.setAttribute("tabindex", "-1");
    link.setAttribute("href", "#" + article.id);
    link.addEventListener("click", () => {
      // After the browser has scrolled to the target: focus it, so that Tab goes on from there.
      window.setTimeout(() => article.focus({ preventScroll: true }), 0);
    });
  }

  const FOLD_FROM = 4; // links in a group: fewer stay open
  const FOLD_STORE = "teamsim-nav-open:";
  const stored = (key) => { try { return sessionStorage.getItem(FOLD_STORE + key); } catch { return null; } };
  const store = (key, open) => { try { sessionStorage.setItem(FOLD_STORE + key, open ? "1" : "0"); } catch { /* private mode */ } };

  function foldSidebar() {
    const nav = document.querySelector("#pst-primary-sidebar nav.bd-docs-nav");
    if (!nav) return;
    nav.querySelectorAll("p.caption").forEach((caption, k) => {
      const list = caption.nextElementSibling;
      if (!list || list.tagName !== "UL" || list.querySelectorAll("a").length < FOLD_FROM) return;
      const title = caption.textContent.replace(/\s+/g, " ").trim();
      const here = list.classList.contains("current") || list.querySelector(".current") !== null;
      const remembered = stored(title);
      // Open: the page's own group; the first group on a page in none (the home page, search).
      const open = here || (remembered === null ? k === 0 && !nav.querySelector("ul .current")
        : remembered === "1");
      list.id = list.id || `nav-group-${k}`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "nav-group-toggle";
      button.setAttribute("aria-controls", list.id);
      button.append(...caption.childNodes);
      caption.append(button);
      caption.classList.add("nav-group-caption");
      const set = (isOpen) => {
        button.setAttribute("aria-expanded", String(isOpen));
        list.hidden = !isOpen;
      };
      set(open);
      button.addEventListener("click", () => {
        const isOpen = button.getAttribute("aria-expanded") !== "true";
        set(isOpen);
        store(title, isOpen);
      });
    });
  }

  // "Solution to Exercise 2" → "Exercise 2"; any other hidden block keeps its title.
  function subject(block) {
    const title = block.querySelector(":scope > .admonition-title");
    if (!title) return null;
    const copy = title.cloneNode(true);
    copy.querySelectorAll("button, .headerlink").forEach((el) => el.remove());
    const text = copy.textContent.replace(/\s+/g, " ").trim();
    const match = text.match(/^Solution to\s*(.+)$/i);
    return match ? { solution: true, name: match[1] } : { solution: false, name: text };
  }

  function nameToggle(button) {
    const block = document.getElementById(button.dataset.target || "");
    const about = block && subject(block);
    if (!about || !about.name) return;
    const label = () => {
      const open = button.getAttribute("aria-expanded") === "true";
      const verb = open ? "Hide" : "Show";
      return about.solution ? `${verb} the solution to ${about.name}` : `${verb}: ${about.name}`;
    };
    button.setAttribute("aria-label", label());
    new MutationObserver(() => button.setAttribute("aria-label", label()))
      .observe(button, { attributes: true, attributeFilter: ["aria-expanded"] });
  }

  function openSolutions() {
    const opened = [];
    document.querySelectorAll(".solution.toggle-hidden, .admonition.dropdown.toggle-hidden").forEach((block) => {
      const button = block.querySelector(".toggle-button");
      if (button) button.click();
      else block.classList.remove("toggle-hidden");
      opened.push(block);
    });
    const article = document.querySelector("main article.bd-article");
    if (!article || !document.querySelector(".solution")) return;
    const note = document.createElement("p");
    note.className = "instructor-copy-note";
    note.setAttribute("role", "note");
    note.textContent = `Instructor's copy: every solution on this page is open (${opened.length} opened), ` +
      "ready to print. Without ?solutions=1 in the address the solutions stay closed.";
    article.prepend(note);
  }

  function start() {
    skipLink();
    foldSidebar();
    document.querySelectorAll("button.toggle-button").forEach(nameToggle);
    if (instructorCopy) openSolutions();
  }
  // The toggle buttons are added by sphinx-togglebutton when the page has loaded: run after it.
  const later = () => window.setTimeout(start, 0);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", later);
  else later();
})();
