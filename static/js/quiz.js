// Quiz enhancements: a countdown that speaks only at a few moments, submission at the deadline, and every
// answer and the submission going through the outbox (static/js/outbox.js): stored on this device first,
// sent when the connection allows, so the learner stays on the page offline. Essay and short-answer text is
// kept while typing. The review screen before "Nộp bài" shows what the server has, what waits on this
// device, and what is unanswered. Without JavaScript the forms post as before.
(() => {
  const outbox = window.SmartwardOutbox;
  const quiz = document.querySelector("[data-quiz-attempt]");
  const says = quiz ? quiz.dataset : {};
  const submitForm = document.getElementById("quiz-submit-form");
  const TYPING_MS = 1500;

  // Feedback the server put on the page (an answer posted as a plain form): where the learner's focus goes.
  const fresh = document.querySelector(".quiz-feedback[data-fresh]");
  if (fresh) fresh.focus();

  // ---- The submission.
  const submitStatus = () => document.getElementById("quiz-submit-status") || document.createElement("p");
  const submitQuiz = async () => {
    const button = submitForm.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      await outbox.add({ kind: "submit", url: submitForm.action, fields: [], key: `submit:${submitForm.action}`,
        label: says.labelSubmit });
    } catch (error) {
      outbox.flush();
    }
    if (outbox.offline) submitStatus().textContent = says.msgSubmitQueued;
  };

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
        if (form && outbox && form === submitForm) submitQuiz();
        else if (form) { form.dataset.confirm = ""; form.submit(); }
      }
    };
    const handle = setInterval(tick, 1000);
    tick();
  }
  if (!quiz || !outbox) return;

  // ---- Answers.
  const forms = [...document.querySelectorAll("form.quiz-question")];
  const questionOf = (form) => form.querySelector("input[name=question]").value;
  const keyOf = (form) => `${form.action}#${questionOf(form)}`;
  const isLocked = (form) => form.dataset.autosave !== "1"; // feedback after each answer: one answer only
  const statusOf = (form) => form.querySelector(".quiz-save-status");
  const say = (form, text, refused = false) => {
    const status = statusOf(form);
    status.textContent = text || "";
    status.classList.toggle("is-refused", refused);
  };
  const fieldsOf = (form) =>
    [...new FormData(form)].filter(([name, value]) => typeof value === "string" &&
      !["csrfmiddlewaretoken", "go"].includes(name));
  const formFor = (item) => forms.find((form) => form.action === item.url &&
    item.fields.some(([name, value]) => name === "question" && value === questionOf(form)));
  const labelOf = (form) => (form.querySelector(".quiz-number") || {}).textContent || "";
  const lastQueued = new WeakMap();
  // The item holding each question's latest answer: what an older one's reply says does not concern the
  // learner any more ("saved" while the newer answer still waits would be untrue).
  const latest = new WeakMap();
  const goAfter = new Map(); // item id -> question number to open once the server has it

  const apply = (form, fields) => {
    const values = new Map();
    fields.forEach(([name, value]) => values.set(name, [...(values.get(name) || []), value]));
    form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((input) => {
      if (values.has(input.name)) input.checked = values.get(input.name).includes(input.value);
    });
    form.querySelectorAll("input[type=text], textarea").forEach((input) => {
      if (values.has(input.name)) input.value = values.get(input.name)[0];
    });
  };
  const lock = (form, locked) => {
    const fieldset = form.querySelector("fieldset");
    if (fieldset) fieldset.disabled = locked;
    const button = form.querySelector(".quiz-actions button[type=submit]");
    if (button) button.disabled = locked;
  };
  const showFeedback = (form, feedback) => {
    form.querySelectorAll(".quiz-feedback").forEach((old) => old.remove());
    const box = document.createElement("div");
    box.className = `quiz-feedback ${feedback.correct ? "is-correct" : "is-wrong"}`;
    box.tabIndex = -1;
    // The learner who just pressed "Trả lời" is taken to the verdict; feedback arriving later (the answer
    // waited on this device) is announced instead, without moving anyone's focus.
    const active = document.activeElement;
    const here = !active || active === document.body || form.contains(active);
    if (!here) box.setAttribute("role", "status");
    const verdict = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = feedback.correct ? says.msgCorrect : says.msgWrong;
    verdict.append(strong);
    box.append(verdict);
    if (feedback.explanation) {
      const explanation = document.createElement("p");
      explanation.textContent = feedback.explanation;
      box.append(explanation);
    }
    statusOf(form).before(box);
    if (here) box.focus();
  };
  // ---- What is answered: what the server said on this page or an earlier one (kept per attempt on this
  // device, since an offline page may be an older copy), plus what waits in the outbox.
  const answeredKey = `smartward-quiz-answered:${says.quizAttempt}`;
  const known = new Set(String(says.answered || "").split(/\s+/).filter(Boolean));
  try {
    JSON.parse(window.localStorage.getItem(answeredKey) || "[]").forEach((n) => known.add(String(n)));
  } catch (error) { /* storage unavailable or damaged: the page's own knowledge only */ }
  const remember = () => {
    try { window.localStorage.setItem(answeredKey, JSON.stringify([...known])); } catch (error) { /* ignore */ }
  };
  remember();
  const answerUrl = new URL(says.answerUrl, window.location.href).href;
  const numberOf = (fields) => (fields.find(([name]) => name === "number") || [])[1];
  const review = document.getElementById("quiz-review");
  const refreshReview = async () => {
    if (!review) return;
    const unsent = new Set();
    const items = await outbox.all().catch(() => []);
    items.forEach((item) => {
      if (item.kind === "answer" && item.state === "pending" && item.url === answerUrl) {
        unsent.add(String(numberOf(item.fields)));
      }
    });
    const rows = [...review.querySelectorAll(".quiz-review-item")];
    let answered = 0;
    rows.forEach((row) => {
      const n = row.dataset.number;
      const state = unsent.has(n) ? "unsent" : known.has(n) ? "answered" : "unanswered";
      if (state !== "unanswered") answered += 1;
      row.classList.toggle("is-answered", state === "answered");
      row.classList.toggle("is-unsent", state === "unsent");
      row.classList.toggle("is-unanswered", state === "unanswered");
      const label = review.dataset[`state${state[0].toUpperCase()}${state.slice(1)}`];
      row.querySelector(".quiz-review-state").textContent = label;
    });
    const summary = review.querySelector(".quiz-review-summary");
    summary.textContent = review.dataset.msgSummary
      .replace("%(answered)s", String(answered)).replace("%(total)s", String(rows.length));
    const note = review.querySelector(".quiz-review-unsent");
    note.hidden = !unsent.size;
    note.textContent = unsent.size ? review.dataset.msgUnsent : "";
    const missing = rows.length - answered;
    submitForm.dataset.confirm = missing === 0 ? review.dataset.msgConfirmAll
      : missing === 1 ? review.dataset.msgConfirmOne : review.dataset.msgConfirmMany.replace("%s", String(missing));
  };
  const markAnswered = (form) => {
    const number = (form.querySelector("input[name=number]") || {}).value;
    const link = number && document.querySelector(`.quiz-nav a[href='?cau=${number}']`);
    if (link) link.classList.add("is-answered");
    if (number) {
      known.add(String(number));
      remember();
    }
  };
  document.querySelectorAll(".quiz-nav a").forEach((link) => {
    const number = (link.getAttribute("href") || "").replace("?cau=", "");
    if (known.has(number)) link.classList.add("is-answered");
  });

  const queueAnswer = async (form, { state = "pending", go = null } = {}) => {
    const fields = fieldsOf(form);
    const signature = `${state}:${JSON.stringify(fields)}`;
    if (lastQueued.get(form) === signature && go === null) return;
    lastQueued.set(form, signature);
    try {
      const item = await outbox.add({ kind: "answer", url: form.action, fields, key: keyOf(form),
        label: labelOf(form), state });
      if (state !== "pending") return;
      latest.set(form, item.id);
      if (go !== null) goAfter.set(item.id, go);
      if (outbox.offline) say(form, says.msgQueued);
    } catch (error) {
      say(form, error.message, true); // the disk is full: nothing stored before is lost; sent from memory
      if (error.item && state === "pending") latest.set(form, error.item.id);
      if (error.item && go !== null) goAfter.set(error.item.id, go);
      outbox.flush();
    }
  };

  const typing = new Map(); // form -> its timer, while text typed in it waits to be kept
  const keepTyped = (form) => {
    window.clearTimeout(typing.get(form));
    typing.delete(form);
    return queueAnswer(form, { state: isLocked(form) ? "draft" : "pending" });
  };
  forms.forEach((form) => {
    const locked = isLocked(form);
    form.addEventListener("change", () => {
      if (!locked) queueAnswer(form);
    });
    form.addEventListener("input", (event) => {
      if (!event.target.matches("input[type=text], textarea")) return;
      window.clearTimeout(typing.get(form));
      // Answers at the end: saved on the server while typing. Feedback after each answer: the answer is
      // final once sent, so the text is only kept on this device until "Answer" is pressed.
      typing.set(form, window.setTimeout(() => keepTyped(form), TYPING_MS));
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      window.clearTimeout(typing.get(form));
      typing.delete(form);
      const submitter = event.submitter;
      const go = !locked && submitter && submitter.name === "go" ? submitter.value : null;
      queueAnswer(form, { go });
      if (locked) lock(form, true); // kept as answered; its feedback shows when the server has it
    });
  });

  // On the document, after site.js's listener (this script runs after it): its confirmation comes first.
  document.addEventListener("submit", (event) => {
    if (event.target !== submitForm || event.defaultPrevented) return; // the confirmation was declined
    event.preventDefault();
    submitQuiz();
  });

  outbox.listen((event) => {
    if (event.type === "count") refreshReview(); // after every change of the outbox
    const item = event.item;
    if (!item) return;
    if (item.kind === "submit" && item.url === submitForm.action) {
      if (event.type === "sent") window.location.assign(event.data.url);
      else if (event.type === "offline") submitStatus().textContent = says.msgSubmitQueued;
      else if (event.type === "refused" || event.type === "held") {
        submitStatus().textContent = event.message;
        const button = submitForm.querySelector("button[type=submit]");
        if (button) button.disabled = false;
      }
      return;
    }
    if (item.kind !== "answer") return;
    if (event.type === "sent" && item.url === answerUrl) {
      known.add(String(numberOf(item.fields))); // also when its question is not on this page (the review)
      remember();
    }
    const form = formFor(item);
    if (!form) return;
    if ((latest.has(form) && latest.get(form) !== item.id) || (event.data && event.data.stale)) {
      // An answer the learner has changed since (or older than the one the server has): not this one's news.
      if (event.type === "sent") markAnswered(form);
      else if (event.type === "refused" && event.data && event.data.submitted) window.location.reload();
      return;
    }
    if (event.type === "offline") say(form, says.msgQueued);
    else if (event.type === "server") say(form, says.msgServer);
    else if (event.type === "held") say(form, event.message, true);
    else if (event.type === "refused") {
      say(form, event.message, true);
      if (event.data && event.data.submitted) window.location.reload(); // the result page says why
    } else if (event.type === "sent") {
      const data = event.data;
      say(form, data.late && data.message ? data.message : statusOf(form).dataset.saved);
      if (data.feedback) showFeedback(form, data.feedback);
      markAnswered(form);
      if (isLocked(form)) {
        const button = form.querySelector(".quiz-actions button[type=submit]");
        if (button) button.remove();
      }
      if (goAfter.has(item.id)) window.location.assign(`?cau=${goAfter.get(item.id)}`);
    }
  });

  // ---- A language switch in the middle of the quiz: text typed in the last moments is kept first (the
  // attempt goes on in the other language, with every answer).
  document.querySelectorAll("form.language-switch").forEach((switcher) => {
    switcher.addEventListener("submit", async (event) => {
      if (!typing.size) return;
      event.preventDefault();
      const submitter = event.submitter;
      await Promise.all([...typing.keys()].map(keepTyped));
      if (submitter && submitter.name) {
        const choice = document.createElement("input");
        choice.type = "hidden";
        choice.name = submitter.name;
        choice.value = submitter.value;
        switcher.append(choice);
      }
      switcher.submit();
    });
  });

  // ---- After a reload or reopening the tab: what waits on this device is shown in its form again.
  outbox.all().then((items) => {
    items.forEach((item) => {
      if (item.kind === "submit" && item.url === submitForm.action && item.state === "pending") {
        submitStatus().textContent = says.msgSubmitQueued;
        return;
      }
      if (item.kind !== "answer" || item.state === "refused") return;
      const form = formFor(item);
      if (!form) return;
      apply(form, item.fields);
      lastQueued.set(form, `${item.state}:${JSON.stringify(item.fields)}`);
      if (item.state === "pending") {
        latest.set(form, item.id);
        say(form, says.msgQueued);
        if (isLocked(form)) lock(form, true);
      }
    });
  }).catch(() => null);
  refreshReview();
})();
