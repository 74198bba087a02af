// Ask before an irreversible step: a submit button with data-confirm="question".
// (No inline handlers: the Content Security Policy forbids them.)
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
