// Printed pages show every quiz answer: open the collapsed ones before printing.
window.addEventListener("beforeprint", () => {
  document.querySelectorAll("details.quiz-answer:not([open])").forEach((details) => {
    details.open = true;
    details.dataset.openedForPrint = "1";
  });
});
window.addEventListener("afterprint", () => {
  document.querySelectorAll("details.quiz-answer[data-opened-for-print]").forEach((details) => {
    details.open = false;
    delete details.dataset.openedForPrint;
  });
});
