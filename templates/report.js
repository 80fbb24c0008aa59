(function () {
  "use strict";
  var nodes = Array.prototype.slice.call(document.querySelectorAll("details.node"));

  function setAll(open) {
    nodes.forEach(function (details) { details.open = open; });
  }

  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    for (var element = target; element; element = element.parentElement) {
      if (element.tagName === "DETAILS") { element.open = true; }
    }
    target.scrollIntoView({block: "start"});
  }

  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setAll(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setAll(false); }); }

  var fit = document.getElementById("diagram-fit");
  var diagram = document.getElementById("diagram");
  if (fit && diagram) {
    fit.addEventListener("click", function () {
      var actual = diagram.classList.toggle("actual-size");
      fit.textContent = actual ? "Fit to width" : "Actual size";
    });
  }

  window.addEventListener("hashchange", reveal);
  reveal();

  // Printing shows everything folded away; the reader's own choice comes back afterwards.
  var closedBeforePrint = [];
  window.addEventListener("beforeprint", function () {
    var all = Array.prototype.slice.call(document.querySelectorAll("details"));
    closedBeforePrint = all.filter(function (details) { return !details.open; });
    closedBeforePrint.forEach(function (details) { details.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedBeforePrint.forEach(function (details) { details.open = false; });
    closedBeforePrint = [];
  });
}());
