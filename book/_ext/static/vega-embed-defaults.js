// The book's defaults for every chart, wrapped around vega-embed (loaded just before this file
// by book/_ext/offline_book.py). The chart menu offers what works offline (save as SVG or PNG,
// view the source; not "open in the Vega Editor", which needs the internet), and its button,
// an icon only, gets a name screen readers can announce. Chart data comes from the scripts
// the page loads (window.TEAMSIM_DATA, keyed by file name; see book/_ext/offline_book.py)
// before Vega would fetch it: a page opened from disk may not fetch the files beside it.
(function () {
  const embed = window.vegaEmbed;
  if (!embed) return;
  const offline = { export: true, source: true, compiled: false, editor: false };
  // A Vega loader of our own (the bundle does not expose vega.loader): shipped data first,
  // then the network as Vega would.
  function shipped(uri) {
    const data = window.TEAMSIM_DATA || {};
    const name = String(uri).split("?")[0].split("/").pop();
    return Object.prototype.hasOwnProperty.call(data, name) ? data[name] : null;
  }
  const loader = {
    sanitize: (uri) => Promise.resolve({ href: String(uri) }),
    http: (url, options) => fetch(url, options).then((response) => {
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}: ${url}`);
      return response.text();
    }),
    file: (filename) => Promise.reject(new Error(`no file system in a browser: ${filename}`)),
    load: (uri, options) => {
      const text = shipped(uri);
      return text !== null ? Promise.resolve(text) : loader.http(uri, options && options.http);
    },
  };
  function vegaEmbed(el, spec, options) {
    const opts = Object.assign({ actions: offline, loader: loader }, options);
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
