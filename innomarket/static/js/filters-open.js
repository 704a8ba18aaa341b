// On wide screens the catalogue's filter form is a sidebar, always open; on phones it stays a
// collapsible <details> (components/filters_open.html loads this file).
(function () {
  if (window.matchMedia && window.matchMedia("(min-width: 900px)").matches) {
    document.querySelectorAll(".filters details").forEach(function (d) {
      d.open = true;
    });
  }
})();
