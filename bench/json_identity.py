"""One SHA-256 over every JSON output, to prove a speed-up changed no byte.

    python bench/json_identity.py [--examples 300]            # prints the digests
    python bench/json_identity.py --save before.txt            # on the old code (+ before.pickle)
    python bench/json_identity.py --check before.txt           # on the new: exit 1 on any difference

Covers `jixiao score --format json` (default rulesets, and the review rulesets) and `jixiao report
--format json` on every case in cases/, cases/real/ and cases/review/, and the JSON of every record that
the parity test generates (tests/test_parity.py's hypothesis strategies, derandomized, the same
`--examples` per ruleset) under every shipped ruleset, with both engines. Run it on the old code
and on the new with the same options.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import pickle
import sys
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parent.parent


def _cli_outputs() -> dict[str, bytes]:
    from jixiao.cli.main import main
    runner = CliRunner()
    out: dict[str, bytes] = {}
    cases = sorted([*ROOT.glob("cases/*.yaml"), *ROOT.glob("cases/real/*.yaml"), *ROOT.glob("cases/review/*.yaml")])
    for path in cases:
        name = path.relative_to(ROOT).as_posix()
        for label, args in (("score", ["score", str(path), "--format", "json"]),
                            ("score-review", ["score", str(path), "--format", "json", "--ruleset", "review-fuhe",
                                              "--ruleset", "review-fuhe-project"]),
                            ("report", ["report", str(path), "--format", "json"])):
            for engine in ("native", "durable"):
                result = runner.invoke(main, [*args, "--engine", engine])
                out[f"{label} {engine} {name}"] = result.stdout_bytes + f"exit {result.exit_code}".encode()
    return out


def _parity():
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))  # test_parity imports conftest, as pytest would let it
    spec = importlib.util.spec_from_file_location("parity", ROOT / "tests" / "test_parity.py")
    parity = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(parity)
    return parity


def _draw(examples: int) -> list[tuple[str, object]]:
    """The (kind, case) records the parity test's strategies draw. Hypothesis does not draw the
    same examples in every run, so `--save` pickles them and `--check` evaluates those."""
    parity = _parity()
    from jixiao.records.model import Case
    drawn: list[tuple[str, object]] = []
    every = settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))

    @every
    @given(parity.project())
    def projects(data):
        drawn.append(("project", Case.model_validate({"case": {"id": "generated", "unit": "某单位", "year": 2024},
                                                      "department": {"id": "dept", "name": "某单位"},
                                                      "projects": [data]})))

    @every
    @given(parity.department())
    def departments(case):
        drawn.append(("department", case))

    projects()
    departments()
    return drawn


def _parity_outputs(drawn: list[tuple[str, object]]) -> dict[str, bytes]:
    parity = _parity()
    out: dict[str, bytes] = {}
    for number, (kind, case) in enumerate(drawn):
        record = case.projects[0] if kind == "project" else case.department
        for ident in parity.FOR_KIND[kind]:
            for engine in ("native", "durable"):
                got = parity.outcome(parity.RULESETS[ident], record, case, engine)
                out[f"{kind} {number} {ident} {engine}"] = json.dumps(got, ensure_ascii=False, sort_keys=True).encode()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--check", type=Path)
    args = parser.parse_args()
    if args.check:
        drawn = pickle.loads(args.check.with_suffix(".pickle").read_bytes())
    else:
        drawn = _draw(args.examples)
        if args.save:
            args.save.with_suffix(".pickle").write_bytes(pickle.dumps(drawn))
    outputs = {**_cli_outputs(), **_parity_outputs(drawn)}
    digests = {key: hashlib.sha256(value).hexdigest() for key, value in sorted(outputs.items())}
    whole = hashlib.sha256("".join(f"{k}\t{v}\n" for k, v in digests.items()).encode()).hexdigest()
    lines = [f"{v}  {k}" for k, v in digests.items()] + [f"{whole}  ALL ({len(digests)} outputs)"]
    if args.save:
        args.save.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(lines[-1])
    if args.check:
        before = dict(line.split("  ", 1)[::-1] for line in args.check.read_text(encoding="utf-8").splitlines())
        after = dict(line.split("  ", 1)[::-1] for line in lines)
        differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        for key in differ[:20]:
            print(f"differs: {key}")
        print(f"{len(differ)} of {len(after)} lines differ from {args.check}")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
