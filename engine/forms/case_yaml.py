"""Write a case as a YAML case file that `load_case` reads back to the same case (and a target
file as one that `load_cycle_file` reads back the same).

Decimals are written as plain numbers with the decimals they state (320.00 stays 320.00, read
back as Decimal by the case loader); fields left at their defaults are left out, as a person
transcribing the report would.
"""
from __future__ import annotations

from decimal import Decimal
from enum import Enum

import yaml

from jixiao.records.model import Model


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value.as_tuple().exponent >= 0:
        return dumper.represent_scalar("tag:yaml.org,2002:int", format(value, "f"))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _str)
_Dumper.add_multi_representer(Enum, lambda dumper, value: _str(dumper, value.value))


def case_to_yaml(case: Model, header: str = "") -> str:
    data = case.model_dump(mode="python", exclude_defaults=True)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + body
