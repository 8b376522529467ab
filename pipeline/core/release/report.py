"""A static, offline validation report (validation/index.html) rendered from the GX results: no scripts, no CDN."""

from __future__ import annotations

import json
from html import escape

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1f2328}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.ok{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
.summary{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem}
code{font-size:.8rem}
"""


def render(version: str, validation: dict[str, dict]) -> str:
    cards, sections = [], []
    for name, report in sorted(validation.items()):
        results = report.get("results", [])
        failed = [r for r in results if not r.get("success")]
        status = "ok" if report.get("success") else "fail"
        cards.append(f'<div class="card"><b>{escape(name)}</b><br><span class="{status}" id="status-{escape(name)}">'
                     f'{"passed" if status == "ok" else "FAILED"}</span> — {len(results) - len(failed)}/{len(results)} '
                     f"expectations met</div>")
        rows = []
        for r in results:
            ok = r.get("success")
            kwargs = {k: v for k, v in (r.get("kwargs") or {}).items() if k != "column"}
            sample = ", ".join(escape(str(v))[:80] for v in (r.get("sample") or [])[:5])
            rows.append(f'<tr><td class="{"ok" if ok else "fail"}">{"✓" if ok else "✗"}</td>'
                        f"<td><code>{escape(r.get('expectation', ''))}</code></td><td>{escape(str(r.get('column') or ''))}</td>"
                        f"<td><code>{escape(json.dumps(kwargs, ensure_ascii=False, default=str))[:300]}</code></td>"
                        f"<td>{'' if r.get('unexpected_count') is None else r['unexpected_count']}</td><td>{sample}</td></tr>")
        sections.append(f'<h2 id="{escape(name)}">{escape(name)}</h2><table><thead><tr><th></th><th>expectation</th>'
                        f"<th>column</th><th>arguments</th><th>unexpected</th><th>sample of failing values</th></tr></thead>"
                        f"<tbody>{''.join(rows)}</tbody></table>")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Vostok v{escape(version)} — validation</title>'
            f"<style>{STYLE}</style></head><body><h1>Vostok release v{escape(version)}: Great Expectations results</h1>"
            f'<p>Every table was validated before publication; a failed suite blocks the release. Suites are generated from '
            f'<code>pipeline/schema.py</code> plus <code>pipeline/data/gx/&lt;table&gt;.json</code>.</p>'
            f'<div class="summary">{"".join(cards)}</div>{"".join(sections)}</body></html>\n')
