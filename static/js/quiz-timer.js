// Counts down the quiz's remaining time shown in .quiz-timer (the page states it as text already).
(function () {
  "use strict";
  var el = document.querySelector(".quiz-timer[data-remaining]");
  if (!el) { return; }
  var end = Date.now() + parseInt(el.getAttribute("data-remaining"), 10) * 1000;
  el.setAttribute("role", "timer");
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    if (left === 0) {
      el.textContent = el.getAttribute("data-label-done");
      el.setAttribute("role", "alert");
      return;
    }
    el.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    window.setTimeout(tick, 1000);
  }
  tick();
})();
