"""extract: a draft case from a published self-evaluation report (.docx, .pdf, .txt/.md, .html).

Every value carries the words it came from; a figure the report does not state stays absent, and
a figure that is ambiguous or stated twice with different values is left for a person to check.
Stages: documents (file → blocks) → sections (which record a block speaks of) → phrases and
selfeval_table (candidates) → draft (resolve, never derive) → writers (YAML with comments, JSON).
"""
