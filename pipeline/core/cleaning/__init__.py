"""The extract stage: a raw page dump → title, lead and clean body paragraphs, plus what was removed and why.

The method, in small named steps, one module each:

1. :func:`~pipeline.core.markdown.logical_lines` segments the dump into lines
   (:func:`.document.prepare_page`, which converts HTML pages first).
2. Each line gets features (:func:`.lines.line_features`) and a verdict from named
   boilerplate rules (:data:`.rules.BOILERPLATE_RULES`), including templates learned
   across the batch (:class:`.templates.TemplateIndex`): a line that recurs on several
   pages of an outlet, or across the corpus, is furniture.
3. :func:`.region.main_region` finds the contiguous run of lines with the highest
   "prose minus furniture" score (:func:`.lines.line_score`; a maximum-sum subarray),
   which is where the article lives on a news page.
4. Inside the region, captions, credits and teasers are dropped; the title
   and lead are chosen (:func:`.titles.choose_title`, :func:`.titles.stated_title_line`,
   :func:`.titles.choose_lead`) and
   paragraphs cut by page breaks are rejoined (:func:`.document.reflow`), giving a
   :class:`.document.CleanDocument` (:func:`.document.extract_lines`).

The package is named for what it does (cleaning pages), not for the stage, so that it does not collide with
:mod:`pipeline.core.events.extract`; the stage keeps its name, written in rejects as :data:`STAGE`.
"""

STAGE = "extract"
