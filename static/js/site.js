// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".video-facade button");
  if (!button) return;
  const facade = button.closest(".video-facade");
  const frame = document.createElement("iframe");
  frame.src = facade.dataset.embedUrl;
  frame.title = facade.dataset.title || "";
  frame.width = 800;
  frame.height = 450;
  frame.allow = "encrypted-media; picture-in-picture; fullscreen";
  frame.setAttribute("allowfullscreen", "");
  facade.replaceWith(frame);
});

// Forms that need a confirmation (destructive or final actions) carry data-confirm.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : "";
  if (message && !window.confirm(message)) event.preventDefault();
});
