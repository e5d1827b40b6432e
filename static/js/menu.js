// The site menu on phones: folded behind one button (aria-expanded, Escape closes it), so the header takes a
// single row. Loaded right after the header, not deferred, so the page is never first drawn with it open.
// Without JavaScript the menu stays unfolded.
(() => {
  const toggle = document.getElementById("menu-toggle");
  const menu = document.getElementById("site-menu");
  if (!toggle || !menu) return;
  document.documentElement.classList.add("has-menu-toggle");
  toggle.hidden = false;
  const isOpen = () => toggle.getAttribute("aria-expanded") === "true";
  const set = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  };
  toggle.addEventListener("click", () => set(!isOpen()));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !isOpen()) return;
    set(false);
    toggle.focus();
  });
})();
