"""The shipped rulesets, installed as package data `jixiao.shipped_rulesets` (a regular package, so
that editable installs find it too: setuptools' editable finder misses namespace packages mapped
under a regular one)."""
