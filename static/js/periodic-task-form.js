// django-celery-beat's periodic task form (Django admin): under the crontab field, the chosen schedule in
// words. Its own inline script did this; the Content-Security-Policy runs only script files.
(() => {
  "use strict";
  const source = document.getElementById("readable-crontabs");
  const select = document.getElementById("id_crontab");
  const help = document.querySelector(".field-crontab .help");
  if (!source || !select || !help) return;
  const readable = JSON.parse(source.textContent);
  const original = help.textContent;
  const translationRow = document.querySelector(".field-crontab_translation");
  if (translationRow) translationRow.style.display = "none";
  const show = () => {
    help.textContent = original;
    const words = readable[select.value];
    if (words) help.append(document.createElement("br"), `Translation: ${words}`);
  };
  select.addEventListener("change", show);
})();
