"""extract: a draft case from a published self-evaluation report (.docx, .pdf, .txt/.md, .html).

Every value carries the words it came from; a figure the report does not state stays absent, and
a figure that is ambiguous or stated twice with different values is left for a person to check.
Stages: documents (file → blocks; portal_page for saved web pages) → sections (which record a
block speaks of; numbering for heading markers) → phrases (running text, through the phrase
patterns of patterns.yaml; numbers for how figures are written) and selfeval_table (the 自评表)
→ draft (resolve, never derive) → writers (YAML with comments, JSON with a source map).
"""
