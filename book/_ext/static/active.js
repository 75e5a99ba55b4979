// Predictions in the static book: the answer below a prediction opens once a guess is locked
// in, and the guess is kept (in this browser only) so that a returning reader sees it again.
(() => {
  const STORE = "teamsim-predict:";
  const remembered = (id) => { try { return localStorage.getItem(STORE + id); } catch { return null; } };
  const remember = (id, value) => { try { localStorage.setItem(STORE + id, value); } catch { /* private mode */ } };

  function open(block, input) {
    const answer = document.getElementById(block.id + "-answer");
    const feedback = block.querySelector(".predict-feedback");
    const mark = input.dataset.mark;
    const verdict = mark === "correct" ? "Your guess matches the model. "
      : mark === "close" ? "Close to what the model shows. " : "The model shows something else. ";
    const label = block.querySelector(`label[for="${input.id}"]`).textContent;
    feedback.textContent = `You guessed: ${label}. ${verdict}${input.dataset.feedback}`;
    feedback.classList.add("predict-" + (mark || "off"));
    block.querySelectorAll("input").forEach((box) => { box.disabled = true; });
    const button = block.querySelector(".predict-commit");
    button.disabled = true;
    button.textContent = "Guess locked in: the answer is open below";
    block.classList.add("predict-done");
    if (answer) {
      answer.classList.remove("predict-closed");
      answer.removeAttribute("inert");
      answer.removeAttribute("aria-hidden");
      // Charts drawn while hidden keep their size; tell any that listen to resize anyway.
      window.dispatchEvent(new Event("resize"));
    }
  }

  function setUp(block) {
    const answer = document.getElementById(block.id + "-answer");
    if (answer) answer.setAttribute("inert", "");
    const button = block.querySelector(".predict-commit");
    const feedback = block.querySelector(".predict-feedback");
    button.addEventListener("click", () => {
      const picked = block.querySelector("input:checked");
      if (!picked) {
        feedback.textContent = "Pick the guess you want to lock in first.";
        return;
      }
      remember(block.id, picked.value);
      open(block, picked);
    });
    const earlier = remembered(block.id);
    const input = earlier !== null && block.querySelector(`input[value="${earlier}"]`);
    if (input) {
      input.checked = true;
      open(block, input);
    }
  }

  const start = () => document.querySelectorAll("div.predict").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
