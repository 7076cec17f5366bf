/** The dashboard's stylesheet (inlined): screen and print. */
export const DASHBOARD_CSS = `
:root{--fg:#1b1f24;--muted:#59636e;--line:#d6dbe1;--card:#fff;--bg:#f4f6f8;--bad:#b3261e;--ok:#1e7b34}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px 8px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:16px;margin:0 0 10px}
.sub,.note,.kpi-note{color:var(--muted)}
main{padding:0 28px 28px}
.kpis{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px;margin:12px 0 16px}
.kpi,.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.kpi-label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.kpi-value{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums}
.kpi-note{font-size:12px;word-break:break-word}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px}
.card{margin-bottom:16px;break-inside:avoid}
.wide{grid-column:1/-1}
figure{margin:0}
svg.chart{display:block;max-width:100%;height:auto}
.wide svg.chart{max-width:720px}
svg .grid{stroke:#e6e9ed;stroke-width:1}
svg .axisline{stroke:#8a949e;stroke-width:1}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;fill:#3b434b}
svg .label{font-size:12.5px}
svg .value{font-size:12px;fill:#1b1f24}
svg .axis{font-size:11px;fill:#59636e}
details{margin-top:8px}
summary{cursor:pointer;color:var(--muted)}
table{border-collapse:collapse;width:100%;margin-top:6px;font-size:12px}
th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f2f5}
.wrap{overflow-x:auto}
td.day{white-space:nowrap}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.two{display:grid;grid-template-columns:2fr 1fr;gap:16px}
.bad{color:var(--bad);font-weight:600}
.ok{color:var(--ok)}
.warn{color:#8a5300;font-weight:600}
code{font-size:12px;word-break:break-all}
footer{color:var(--muted);font-size:12px}
@media (max-width:900px){.grid,.kpis,.two{grid-template-columns:1fr}}
@media print{
  @page{size:A4;margin:12mm}
  body{background:#fff;font-size:11px}
  header,main{padding:0}
  .kpis{grid-template-columns:repeat(4,1fr)}
  .grid{display:block}
  svg.chart{max-width:150mm}
  .kpi,.card{border-color:#bbb;box-shadow:none;break-inside:avoid;page-break-inside:avoid}
  summary{display:none}
  details{display:block}
  table{page-break-inside:auto}
  .wrap{overflow:visible}
  tr{break-inside:avoid}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`
  .trim()
  .replace(/\n/g, '');
