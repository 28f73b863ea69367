"""The jobs the service does, each the same library calls the CLI makes — so that a result over
HTTP is the CLI's result, byte for byte. Pages and API both call these; neither renders here."""
from __future__ import annotations

import io
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.core.errors import CaseError, JixiaoError, Problem, RulesetError
from jixiao.core.i18n import _
from jixiao.outputs.publication import public_view, withheld
from jixiao.outputs.render import to_json
from jixiao.outputs.report import Report, Rulesets, build_report
from jixiao.records.model import Case, Project
from jixiao.rulesets.compiler import CompiledRuleset, Source, compile_ruleset
from jixiao.scoring.evaluate import evaluate_case
from jixiao.scoring.explain import render_trace, trace_record
from jixiao.scoring.results import CaseResult
from jixiao.service.catalog import Catalog

REVIEW = ("review-fuhe", "review-fuhe-project")


@dataclass(frozen=True)
class Choice:
    """How to score: the rulesets (department, project), the engine, public or internal."""

    department: CompiledRuleset
    project: CompiledRuleset
    engine: str = "auto"
    public: bool = False


def score(cases: list[Case], choice: Choice) -> list[CaseResult]:
    results = [evaluate_case(case, choice.department, choice.project, choice.engine) for case in cases]
    return [public_view(r) for r in results] if choice.public else results


def score_json(results: list[CaseResult]) -> str:
    """The JSON contract, exactly as `jixiao score --format json` prints it."""
    return to_json(results)


def report(case: Case, choice: Choice, catalog: Catalog, review: bool = True) -> Report:
    """`jixiao report`'s document model: scored, reviewed (复核) unless asked not to."""
    result = evaluate_case(case, choice.department, choice.project, choice.engine)
    review_dept = review_proj = review_result = None
    if review:
        review_dept, review_proj = (catalog.compiled(ident) for ident in REVIEW)
        review_result = evaluate_case(case, review_dept, review_proj, choice.engine)
    return build_report(case, result, choice.public, Rulesets(choice.department, choice.project, review_dept, review_proj),
                        review_result)


def explain(case: Case, choice: Choice, catalog: Catalog, project: str | None = None, review: bool = True) -> list[dict]:
    """`jixiao explain`'s traces, one per record; a record that may not be published (涉密) keeps
    only its withheld notice when `public` is asked for."""
    if project is not None and project not in {p.id for p in case.projects}:
        raise CaseError([Problem(_("案例中没有编号为 {project} 的项目（现有：{known}）").format(
            project=project, known="、".join(p.id for p in case.projects)), field="project")])
    passes = [(choice.department, choice.project)] + ([tuple(catalog.compiled(i) for i in REVIEW)] if review else [])
    out = []
    for dept_rs, proj_rs in passes:
        result = evaluate_case(case, dept_rs, proj_rs, choice.engine)
        pairs = ([(dept_rs, case.department, result.department)] if project is None else [])
        pairs += [(proj_rs, p, r) for p, r in zip(case.projects, result.projects) if project in (None, p.id)]
        for compiled, record, record_result in pairs:
            if choice.public and not record_result.published:
                shown = withheld(record_result)
                out.append({"id": shown.id, "kind": shown.kind, "ruleset": compiled.id, "published": False,
                            "trace": _("{name}：涉密，不公开").format(name=shown.name)})
                continue
            trace = render_trace(trace_record(compiled, record, record_result, case, choice.engine))
            out.append({"id": record.id, "kind": record_result.kind, "ruleset": compiled.id, "published": True,
                        "trace": trace})
    return out


def office_bytes(write, *args) -> bytes:
    """What a library writer (`write_results(results, path)`) writes, as bytes. Text an Office
    file cannot hold (control characters) is the input's fault: a CaseError, not a server error."""
    from openpyxl.utils.exceptions import IllegalCharacterError
    buffer = io.BytesIO()
    try:
        write(*args, buffer)
    except IllegalCharacterError:
        raise CaseError([Problem(_("文本中含有 Excel 文件不能保存的控制字符，请删除后重试"))]) from None
    except ValueError as exc:
        if "XML compatible" not in str(exc):  # lxml under python-docx
            raise
        raise CaseError([Problem(_("文本中含有 Word 文件不能保存的控制字符，请删除后重试"))]) from None
    return buffer.getvalue()


def public_case(case: Case) -> Case:
    """The case as it may be shown publicly: a classified (涉密) project keeps its id, name and
    classification, nothing else."""
    return case.model_copy(update={"projects": [
        Project(id=p.id, name=p.name, confidential=True) if p.confidential else p for p in case.projects]})


def simulate(base: CompiledRuleset, candidate: CompiledRuleset, cases: list[Case], engine: str, public: bool):
    """`jixiao rulesets simulate` over cases from the request (written to a private temporary
    folder, since the library's simulate reads case files); with `public`, rows of records that
    may not be published show no score, grade or marks."""
    from jixiao.authoring.simulate import simulate as run
    from jixiao.forms.case_yaml import case_to_yaml

    with tempfile.TemporaryDirectory(prefix="jixiao-simulate-") as folder:
        paths = []
        for i, case in enumerate(cases):
            path = Path(folder) / f"{i:04d}.yaml"
            path.write_text(case_to_yaml(case), encoding="utf-8")
            paths.append(str(path))
        sim = run(base, candidate, paths, engine)
    if sim.problems:
        raise JixiaoError(sim.problems)
    if public:
        for row in sim.rows:
            if not (row.base.published and row.candidate.published):
                row.base, row.candidate = withheld(row.base), withheld(row.candidate)
    return sim


def simulation_json(sim) -> dict[str, Any]:
    from jixiao.authoring.simulate import to_json as simulation_to_json
    return json.loads(simulation_to_json(sim))


def chart_png(sim) -> bytes | None:
    """The grade distribution before/after as PNG bytes; None where matplotlib is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return None
    from jixiao.authoring.chart import write_chart
    with tempfile.TemporaryDirectory(prefix="jixiao-chart-") as folder:
        path = Path(folder) / "chart.png"
        write_chart(sim, str(path))
        return path.read_bytes()


def validate(sources_of) -> list[Problem]:
    """Every problem of one ruleset (as `jixiao rulesets validate`): reading, fields, then compiling."""
    try:
        compile_ruleset(sources_of())
    except RulesetError as exc:
        return list(exc.problems)
    return []


def show(sources: list[Source]) -> dict[str, Any]:
    """The resolved ruleset as entries (kind, id, fields, and the file:line each comes from)."""
    from jixiao.rulesets.view import flatten, short
    entries = flatten(sources)
    rs = sources[0].ruleset
    return {"id": rs.id, "version": rs.version, "title": rs.title, "applies_to": rs.applies_to,
            "entries": [{"kind": kind, "id": e.ident, "depth": e.depth, "fields": e.fields,
                         "from": {k: short(v) for k, v in e.origins.items()}} for (kind, _i), e in entries.items()]}


def diff(old: list[Source], new: list[Source]) -> dict[str, Any]:
    from jixiao.rulesets.diff import diff as semantic_diff, format_diff
    changes = semantic_diff(old, new)
    return {"old": {"id": old[0].ruleset.id, "version": old[0].ruleset.version},
            "new": {"id": new[0].ruleset.id, "version": new[0].ruleset.version},
            "changes": [{"op": c.op, "kind": c.kind, "id": c.ident, "field": c.field, "old": c.old, "new": c.new,
                         "from": c.where, "text": str(c)} for c in changes],
            "text": format_diff(old, new, changes)}
