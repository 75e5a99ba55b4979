// TeX to MathML at build time, with MathJax's own TeX parser (the pinned npm package, run by
// node): reads a JSON list of [tex, display] pairs on stdin, writes the list of MathML strings.
// Used by light_pages.py so that the model appendix's equations need no MathJax in the browser.
// Usage: node tex2mathml.js NODE_MODULES < items.json
const path = require("path");
const fs = require("fs");

const nodeModules = path.resolve(process.argv[2] || "node_modules");
require(path.join(nodeModules, "mathjax")).init({
  loader: { load: ["input/tex", "[tex]/ams"], paths: { mathjax: path.join(nodeModules, "mathjax/es5") } },
  tex: { packages: { "[+]": ["ams"] } },
}).then((MathJax) => {
  const items = JSON.parse(fs.readFileSync(0, "utf-8"));
  process.stdout.write(JSON.stringify(items.map(([tex, display]) => MathJax.tex2mml(tex, { display }))));
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
