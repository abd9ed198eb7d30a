"""The documents leaders sign: the report draft (.docx), the decision draft (.docx), the certificates (PDF).

Every figure comes from the report queries (``reports.selectors``), the same functions that feed
the report page and the workbook; these modules only put them into words and tables.

- ``wording``: numbers, dates and the sentences that quote the figures;
- ``headers``: which document header (party or state) a unit issues under;
- ``docx``: the python-docx helpers shared by both Word documents (page, fonts, tables);
- ``report``: the report draft of a period; ``decision``: the decision draft and its annex;
- ``certificates``: one A4 landscape page per covered model (fpdf2, a TrueType font).
"""
