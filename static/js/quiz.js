// Quiz enhancements: a countdown that speaks only at a few moments, auto-submit at the deadline,
// and saving answers in the background (quizzes that show answers at the end) with retry when offline; an
// answer the server refuses is explained, not retried.
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

  // Saving answers in the background. What may pass (no connection, no answer in time, a server error: 5xx,
  // 408, 429, or a 2xx that is not our JSON, as a captive portal sends) keeps the answer and tries again when
  // the connection returns and after a growing pause. A refusal (any other 4xx, or a redirect: the session
  // ended) would be refused again: it is shown with its reason, the server's when it sends one, and dropped.
  const quiz = document.querySelector("[data-quiz-attempt]");
  const says = quiz ? quiz.dataset : {};
  const TIMEOUT_MS = 30000;
  const RETRY_FIRST_MS = 4000;
  const RETRY_MAX_MS = 60000;
  const pending = new Set();
  const chains = new Map();
  let retryDelay = RETRY_FIRST_MS;
  let retryHandle = null;

  const say = (form, text, refused) => {
    const status = form.querySelector(".quiz-save-status");
    status.textContent = text;
    status.classList.toggle("is-refused", refused);
  };
  const retryAll = () => {
    retryHandle = null;
    for (const form of pending) queueSave(form);
  };
  const keep = (form, text) => {
    say(form, text, false);
    pending.add(form);
    if (retryHandle === null) {
      retryHandle = window.setTimeout(retryAll, retryDelay);
      retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    }
  };
  const refusal = (response, data) => {
    if (data && typeof data.message === "string" && data.message) return data.message;
    if (response.type === "opaqueredirect") return says.msgSignedOut;
    const known = { 400: says.msgBadRequest, 403: says.msgForbidden, 404: says.msgNotFound };
    return known[response.status] || (says.msgRefused || "").replace("%s", String(response.status));
  };
  const readJson = async (response) => {
    if (!(response.headers.get("Content-Type") || "").startsWith("application/json")) return null;
    try {
      return await response.json();
    } catch (error) {
      return null;
    }
  };
  const save = async (form) => {
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        redirect: "manual", // a redirect here is the login page: the session ended
        signal: window.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(TIMEOUT_MS) : undefined,
      });
    } catch (error) {
      keep(form, form.querySelector(".quiz-save-status").dataset.offline);
      return;
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      keep(form, says.msgServer);
      return;
    }
    const data = await readJson(response);
    if (response.ok && !data) {
      keep(form, form.querySelector(".quiz-save-status").dataset.offline);
      return;
    }
    pending.delete(form);
    if (data && data.submitted) {
      window.location.reload(); // the result page says why the attempt is closed
      return;
    }
    if (response.ok && data.ok) {
      retryDelay = RETRY_FIRST_MS;
      say(form, form.querySelector(".quiz-save-status").dataset.saved, false);
      return;
    }
    say(form, refusal(response, data), true);
  };
  // One request at a time per question, so an older answer never lands after a newer one.
  const queueSave = (form) => {
    const next = (chains.get(form) || Promise.resolve()).then(() => save(form));
    chains.set(form, next);
    return next;
  };
  document.querySelectorAll("form.quiz-question[data-autosave='1']").forEach((form) => {
    form.addEventListener("change", () => queueSave(form));
  });
  window.addEventListener("online", () => {
    window.clearTimeout(retryHandle);
    retryAll();
  });
})();
