// Quiz enhancements: a countdown that speaks only at a few moments, auto-submit at the deadline,
// and saving answers in the background (quizzes that show answers at the end) with retry when offline.
(() => {
  const timer = document.querySelector(".quiz-timer");
  if (timer) {
    const deadline = Date.parse(timer.dataset.deadline);
    const value = timer.querySelector(".quiz-timer-value");
    const announce = timer.querySelector(".quiz-timer-announce");
    const form = document.getElementById(timer.dataset.submitForm);
    const spoken = new Set();
    const marks = [600, 300, 60, 30];
    const format = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      value.textContent = format(left);
      for (const mark of marks) {
        if (left <= mark && left > mark - 5 && !spoken.has(mark)) {
          spoken.add(mark);
          announce.textContent = timer.dataset.announce
            ? timer.dataset.announce.replace("%s", format(left))
            : format(left);
        }
      }
      if (left === 0) {
        clearInterval(handle);
        if (form) { form.dataset.confirm = ""; form.submit(); }
      }
    };
    const handle = setInterval(tick, 1000);
    tick();
  }

  const pending = new Map();
  const save = async (form) => {
    const status = form.querySelector(".quiz-save-status");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (data.submitted) { window.location.reload(); return; }
      status.textContent = data.ok ? status.dataset.saved : data.error;
      pending.delete(form);
    } catch (error) {
      status.textContent = status.dataset.offline;
      pending.set(form, true);
    }
  };
  document.querySelectorAll("form.quiz-question[data-autosave='1']").forEach((form) => {
    form.addEventListener("change", () => save(form));
  });
  window.addEventListener("online", () => { for (const form of pending.keys()) save(form); });
})();
