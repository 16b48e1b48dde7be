// Builds Pier's front-end into ../assets/static, which the Go binary embeds:
// nothing is fetched from a CDN at run time. The output is committed, so
// building Pier needs Go only; run `npm ci && npm run build` here after
// changing src/ or upgrading a package (CI checks the output is current).
import { build } from "esbuild";
import { copyFileSync } from "node:fs";

const out = new URL("../assets/static/", import.meta.url).pathname;
const common = { bundle: true, minify: true, format: "iife", target: "es2020", legalComments: "eof", logLevel: "warning" };

await build({ ...common, entryPoints: ["src/editor/main.js"], outfile: out + "notebook-editor.js" });
await build({ ...common, entryPoints: ["src/charts-page.js"], outfile: out + "pier-charts.js" });
await build({ ...common, entryPoints: ["src/dashboard/main.js"], outfile: out + "pier-dashboard.js" });
await build({ ...common, entryPoints: ["src/explore/main.js"], outfile: out + "pier-explore.js" });
await build({ ...common, entryPoints: ["src/tickets.js"], outfile: out + "pier-tickets.js" });
await build({ ...common, entryPoints: ["src/search.js"], outfile: out + "pier-search.js" });
copyFileSync("node_modules/echarts/dist/echarts.min.js", out + "echarts.min.js");
