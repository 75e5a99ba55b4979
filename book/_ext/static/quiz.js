// Instant feedback for the course's quizzes: picking a choice shows its feedback.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.closest("fieldset.quiz")) return;
  const quiz = input.closest("fieldset.quiz");
  const right = input.dataset.correct === "true";
  const feedback = quiz.querySelector(".quiz-feedback");
  feedback.textContent = (right ? "Correct. " : "Not this one. ") + input.dataset.feedback;
  feedback.classList.toggle("quiz-right", right);
  feedback.classList.toggle("quiz-wrong", !right);
  quiz.querySelectorAll(".quiz-choice").forEach((choice) => {
    const box = choice.querySelector("input");
    choice.classList.toggle("quiz-picked-right", box.checked && right);
    choice.classList.toggle("quiz-picked-wrong", box.checked && !right);
  });
});
