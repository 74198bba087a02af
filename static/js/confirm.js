// Ask before an irreversible step: a submit button with data-confirm="question".
// (No inline handlers: the Content Security Policy forbids them.)
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A "Print" button (data-print) prints the page; the print styles leave out the menu and the buttons.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
