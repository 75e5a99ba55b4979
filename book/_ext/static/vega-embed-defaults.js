// The book's defaults for every chart, wrapped around vega-embed (loaded just before this file
// by book/_ext/offline_book.py). The chart menu offers what works offline (save as SVG or PNG,
// view the source; not "open in the Vega Editor", which needs the internet), and its button,
// an icon only, gets a name screen readers can announce.
(function () {
  const embed = window.vegaEmbed;
  if (!embed) return;
  const offline = { export: true, source: true, compiled: false, editor: false };
  function vegaEmbed(el, spec, options) {
    const opts = Object.assign({ actions: offline }, options);
    return embed(el, spec, opts).then(function (result) {
      const container = typeof el === "string" ? document.querySelector(el) : el;
      if (container) {
        container.querySelectorAll("details > summary:not([aria-label])").forEach(function (s) {
          s.setAttribute("aria-label", "Chart menu: save the chart as an image or view its source");
        });
      }
      return result;
    });
  }
  window.vegaEmbed = Object.assign(vegaEmbed, embed);
})();
