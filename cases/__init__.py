"""The worked cases, installed as package data `jixiao.cases` beside `jixiao.shipped_rulesets`, so
that the shipped rulesets' `tests:` (which name ../cases/…) run after a plain install too."""
