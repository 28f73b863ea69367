"""`jixiao serve`'s JSON API through FastAPI's test client: the CLI's results byte for byte (both
engines, also from many threads at once), problem documents that name file, line and field, the
request limits, rulesets in requests that cannot reach the file system, and `public=true`
everywhere.

Expected figures come from the shipped cases, worked out in their headers and in
tests/test_seed_case.py: 雪亮工程 56.18 ÷ 67.00 = 83.85% → 8.39 points; 高标准农田 98.40 优,
质量安全监测 85.79 良, 人居环境整治 78.40 中 (sample-county-2024).
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed (pip install -e '.[test]')")
from fastapi.testclient import TestClient  # noqa: E402

from jixiao import load_case  # noqa: E402
from jixiao.service.app import create_app  # noqa: E402
from jixiao.service.limits import Limits  # noqa: E402
from conftest import ENGINES, ROOT, SAMPLE, SEED  # noqa: E402

YAML = {"content-type": "application/yaml"}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def cli(*args: str) -> bytes:
    return subprocess.run([sys.executable, "-m", "jixiao", *args], capture_output=True, check=True, cwd=ROOT).stdout


def by_id(items: list[dict], ident: str) -> dict:
    return next(i for i in items if i["id"] == ident)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("public", [False, True])
def test_score_is_the_cli_json_byte_for_byte(client, engine, public):
    both = [str(SEED), str(SAMPLE)]
    expected = cli("score", *both, "--format", "json", "--engine", engine, *(["--public"] if public else []))
    files = [("files", (p.name, p.read_bytes())) for p in (SEED, SAMPLE)]
    got = client.post("/api/score", params={"engine": engine, "public": public}, files=files)
    assert got.status_code == 200 and got.headers["content-type"] == "application/json"
    assert got.content == expected
    seed = json.loads(got.content)[0]
    assert by_id(seed["projects"], "xueliang")["score"] == "8.39"
    assert by_id(seed["projects"], "xueliang")["metrics"]["execution_rate"] == "0.8385"


def test_score_from_threads_with_both_engines_matches_the_cli(client):
    """Eight requests at a time, engines alternating: every answer is the CLI's for its engine."""
    expected = {e: cli("score", str(SEED), "--format", "json", "--engine", e) for e in ENGINES}
    body = SEED.read_bytes()
    jobs = [ENGINES[i % len(ENGINES)] for i in range(32)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda e: client.post("/api/score", params={"engine": e}, content=body,
                                                      headers=YAML).content, jobs))
    assert [a == expected[e] for a, e in zip(answers, jobs)] == [True] * len(jobs)


def test_json_body_numbers_stay_exact(client):
    """A JSON case with numbers as JSON numbers scores as the YAML file does (never through float)."""
    case = json.loads(load_case(SAMPLE).model_dump_json(exclude_none=True))

    def as_numbers(value):
        if isinstance(value, dict):
            return {k: as_numbers(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_numbers(v) for v in value]
        if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
            return _Raw(value)
        return value

    text = json.dumps(as_numbers(case), ensure_ascii=False, default=str).replace('"__raw:', "").replace(':raw__"', "")
    assert '"final": 320.00' in text  # a JSON number with its cents, as a report tool would send it
    got = client.post("/api/score", content=text.encode(), headers={"content-type": "application/json"})
    assert got.status_code == 200
    assert got.content == client.post("/api/score", content=SAMPLE.read_bytes(), headers=YAML).content


class _Raw(str):
    """A string json.dumps writes unquoted (marked, then unmarked above)."""

    def __new__(cls, value):
        return str.__new__(cls, f"__raw:{value}:raw__")


def test_bad_case_is_a_problem_document_with_file_line_and_field(client):
    text = SEED.read_text(encoding="utf-8").replace("actual: 56.18", "actual: 完成", 1)
    assert "actual: 完成" in text
    got = client.post("/api/score", files=[("files", ("seed.yaml", text.encode()))])
    assert got.status_code == 422 and got.headers["content-type"] == PROBLEM
    doc = got.json()
    assert doc["type"] == "urn:jixiao:problem:invalid-input" and doc["status"] == 422 and doc["title"] == "输入有误"
    [problem] = doc["problems"]
    line = text.splitlines().index(next(l for l in text.splitlines() if "actual: 完成" in l)) + 1
    assert (problem["file"], problem["line"], problem["record"], problem["field"]) == (
        "seed.yaml", line, "项目 xueliang", "projects.actual")
    assert doc["detail"] == problem["text"]


def test_unreadable_requests_are_problems_not_server_errors(client):
    for body, kind in ((b"{", "application/json"), (b"\xff\xfe", "application/yaml"), (b"[1, 2]", "application/json"),
                       (b"x", "image/gif"), (b"NaN", "application/json")):
        got = client.post("/api/score", content=body, headers={"content-type": kind})
        assert got.status_code == 422 and got.headers["content-type"] == PROBLEM, (body, got.text)
    got = client.post("/api/score", params={"engine": "turbo"}, content=SEED.read_bytes(), headers=YAML)
    assert got.status_code == 422 and got.json()["problems"][0]["field"] == "engine"
    assert client.get("/api/nowhere").headers["content-type"] == PROBLEM


def test_limits_size_cases_and_time(monkeypatch):
    # 1 s per request; the rulesets are compiled once beforehand (their first compile alone took
    # longer than a short limit on Python 3.13), so the limit times scoring, as it would in service
    TestClient(create_app()).post("/api/score", content=b"case: {id: c, unit: u, year: 2024}\ndepartment: {id: d, name: d}\n",
                                  headers=YAML)
    small = TestClient(create_app(limits=Limits(max_bytes=4096, max_cases=2, seconds=1.0)))
    got = small.post("/api/score", content=SEED.read_bytes(), headers=YAML)  # the seed file is ~12 KB
    assert got.status_code == 413 and got.json()["type"] == "urn:jixiao:problem:too-large"
    tiny = b"case: {id: c, unit: u, year: 2024}\ndepartment: {id: d, name: d}\n"
    got = small.post("/api/score", files=[("files", (f"{i}.yaml", tiny)) for i in range(3)])
    assert got.status_code == 413 and got.json()["type"] == "urn:jixiao:problem:too-many-cases"
    assert small.post("/api/score", files=[("files", (f"{i}.yaml", tiny)) for i in range(2)]).status_code == 200

    from jixiao.service import jobs
    real = jobs.score
    monkeypatch.setattr(jobs, "score", lambda *args: (time.sleep(3), real(*args))[1])
    started = time.monotonic()
    got = small.post("/api/score", content=tiny, headers=YAML)
    assert got.status_code == 503 and got.json()["type"] == "urn:jixiao:problem:timeout"
    assert time.monotonic() - started < 2.5


def test_report_markdown_and_docx_are_the_cli_s(client, tmp_path):
    for public in (False, True):
        flag = ["--public"] if public else []
        expected = cli("report", str(SEED), "--engine", "native", *flag)
        got = client.post("/api/report", params={"engine": "native", "public": public}, content=SEED.read_bytes(),
                          headers=YAML)
        assert got.status_code == 200 and got.content == expected
        cli("report", str(SEED), "--format", "docx", "-o", str(tmp_path / "r.docx"), "--engine", "native", *flag)
        got = client.post("/api/report", params={"engine": "native", "public": public, "format": "docx"},
                          content=SEED.read_bytes(), headers=YAML)
        assert got.content == (tmp_path / "r.docx").read_bytes()
    assert "反邪项目支出7.4万元" not in client.post("/api/report", params={"public": True}, content=SEED.read_bytes(),
                                                 headers=YAML).text


def test_results_workbook_is_the_cli_s(client, tmp_path):
    cli("score", str(SEED), "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"), "--engine", "native", "--public")
    got = client.post("/api/score", params={"format": "xlsx", "engine": "native", "public": True},
                      content=SEED.read_bytes(), headers=YAML)
    assert got.content == (tmp_path / "r.xlsx").read_bytes()


def test_explain_public_withholds_the_classified_project(client):
    internal = client.post("/api/explain", content=SEED.read_bytes(), headers=YAML).json()["records"]
    public = client.post("/api/explain", params={"public": True}, content=SEED.read_bytes(), headers=YAML).json()["records"]
    assert [r["id"] for r in internal] == [r["id"] for r in public]
    fanxie = [r for r in public if r["id"] == "fanxie"]
    assert fanxie and all(r["trace"] == "反邪项目：涉密，不公开" and not r["published"] for r in fanxie)
    assert any("7.4" in r["trace"] for r in internal if r["id"] == "fanxie")
    assert client.post("/api/explain", params={"project": "nope"}, content=SEED.read_bytes(),
                       headers=YAML).status_code == 422


def test_template_and_import_round_trip(client):
    """The sample case exported to the 自评表 and imported back is the same case (README: Exact numbers)."""
    workbook = client.post("/api/template", params={"kind": "department"}, content=SAMPLE.read_bytes(), headers=YAML)
    assert workbook.status_code == 200
    got = client.post("/api/import", files=[("files", ("自评表.xlsx", workbook.content))])
    assert got.status_code == 200
    assert got.json() == json.loads(load_case(SAMPLE).model_dump_json(exclude_none=True))
    scored = client.post("/api/score", files=[("files", ("自评表.xlsx", workbook.content))]).json()
    assert by_id(scored["projects"], "nt-gbzn")["score"] == "98.40"
    public = client.post("/api/import", params={"public": True}, files=[("files", ("s.xlsx", SEED_FORM(client)))]).json()
    # withheld: nothing of the classified project is stated but its name (its lists are not stated: absent)
    assert by_id(public["projects"], "fanxie") == {"id": "fanxie", "name": "反邪项目", "confidential": True,
                                                    "budget": {}, "narrative": {}, "procurement": {}, "stated": {}}


def SEED_FORM(client) -> bytes:
    return client.post("/api/template", params={"kind": "department"}, content=SEED.read_bytes(), headers=YAML).content


def test_bad_workbook_names_the_uploaded_file_and_cell(client):
    got = client.post("/api/import", files=[("files", ("表.xlsx", b"not a zip"))])
    assert got.status_code == 422
    assert got.json()["problems"][0]["file"] == "表.xlsx"


def test_rulesets_list_show_diff_schema(client):
    listed = client.get("/api/rulesets").json()["rulesets"]
    assert {"mof-project-selfeval", "hubei-project-selfeval", "department-overall"} <= {r["id"] for r in listed}
    shown = client.get("/api/rulesets/hubei-project-selfeval").json()
    grade = next(e for e in shown["entries"] if e["kind"] == "grade" and e["id"] == "优")
    assert grade["fields"]["min"] == "80" and grade["from"]["min"] == "rulesets/hubei-project-selfeval.yaml:21"
    diff = client.get("/api/rulesets/mof-project-selfeval/diff/hubei-project-selfeval").json()
    assert diff["text"].encode() == cli("rulesets", "diff", "mof-project-selfeval", "hubei-project-selfeval")
    assert client.get("/api/schema").content == (ROOT / "rulesets" / "ruleset.schema.json").read_bytes()
    assert client.get("/api/rulesets/../../etc/passwd").status_code in (404, 422)


def test_validate_a_ruleset_in_the_request_with_line_numbers(client):
    broken = "id: mine\ntitle: 某地规则\nversion: '1'\napplies_to: project\nindicatorz: []\n"
    got = client.post("/api/rulesets/validate", content=broken.encode(), headers=YAML).json()
    assert got["ok"] is False
    assert ("<request>", 5, "未知字段") in {(p["file"], p["line"], p["message"]) for p in got["problems"]}
    from jixiao.service.examples import RULESET_YAML
    assert client.post("/api/rulesets/validate", content=RULESET_YAML.encode()).json() == {"ok": True, "problems": []}


@pytest.mark.parametrize("reference", ["include: [/etc/hosts.yaml]", "include: [../rulesets/pingan-veto.yaml]",
                                       f"extends: {ROOT / 'rulesets' / 'mof-project-selfeval.yaml'}"])
def test_a_ruleset_in_a_request_never_reads_a_path(client, reference):
    text = f"id: mine\ntitle: t\nversion: '1'\napplies_to: project\n{reference}\n"
    got = client.post("/api/rulesets/validate", content=text.encode()).json()
    assert not got["ok"] and got["problems"][0]["line"] == 5 and "不能引用文件路径" in got["problems"][0]["message"]


def test_uploaded_candidate_ruleset_scores_and_simulates(client):
    """The example candidate lowers 优 to 85: 质量安全监测 (85.79, 良 under the MoF's 90) becomes 优."""
    from jixiao.service.examples import RULESET_YAML
    files = [("files", (SAMPLE.name, SAMPLE.read_bytes())), ("ruleset_file", ("mine.yaml", RULESET_YAML.encode()))]
    scored = client.post("/api/score", files=files).json()
    assert by_id(scored["projects"], "nt-zljc")["grade"] == "优"
    assert scored["ruleset"]["project"]["id"] == "my-project-rules"
    sim = client.post("/api/rulesets/simulate", params={"base": "mof-project-selfeval"}, files=files).json()
    row = next(r for r in sim["records"] if r["id"] == "nt-zljc")
    assert (row["base"]["grade"], row["candidate"]["grade"], row["delta"]) == ("良", "优", "0.00")


def test_simulate_matches_the_cli_and_draws_the_chart(client):
    expected = json.loads(cli("rulesets", "simulate", "--base", "mof-project-selfeval", "--candidate",
                              "hubei-project-selfeval", str(SEED), str(SAMPLE), "--format", "json", "--engine", "native"))
    files = [("files", (p.name, p.read_bytes())) for p in (SEED, SAMPLE)]
    params = {"base": "mof-project-selfeval", "candidate": "hubei-project-selfeval", "engine": "native"}
    assert client.post("/api/rulesets/simulate", params=params, files=files).json() == expected
    public = client.post("/api/rulesets/simulate", params=params | {"public": True}, files=files).json()
    fanxie = by_id(public["records"], "fanxie")
    # withheld (outputs.publication): no score or grade; the classification itself (its stated reason) stays
    assert (fanxie["base"]["score"], fanxie["candidate"]["grade"], fanxie["candidate"]["exemptions"]) == (None, None, ["classified"])
    png = client.post("/api/rulesets/simulate", params=params | {"format": "png"}, files=files)
    assert png.headers["content-type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_rulesets_folder_adds_its_rulesets(tmp_path):
    (tmp_path / "county-rules.yaml").write_text(
        "id: county-rules\nextends: mof-project-selfeval\ntitle: 某县规则\nversion: '1'\n"
        "grades: [{name: 优, min: 85}, {name: 良, min: 75}, {name: 中, min: 60}, {name: 差, min: 0}]\n", encoding="utf-8")
    client = TestClient(create_app(tmp_path))
    assert "county-rules" in {r["id"] for r in client.get("/api/rulesets").json()["rulesets"]}
    scored = client.post("/api/score", params={"ruleset": "county-rules"}, content=SAMPLE.read_bytes(), headers=YAML)
    assert by_id(scored.json()["projects"], "nt-zljc")["grade"] == "优"  # 85.79 ≥ 85


def test_openapi_has_an_example_for_every_operation(client):
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    missing = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            bodies = list(op.get("requestBody", {}).get("content", {}).values())
            answers = [c for r in op["responses"].values() for c in r.get("content", {}).values()]
            params = op.get("parameters", [])
            if not any("example" in c or "examples" in c for c in bodies + answers) and not any(
                    "example" in p or "examples" in p or "examples" in p.get("schema", {}) for p in params):
                missing.append(f"{method.upper()} {path}")
    assert missing == []
    assert {"/api/score", "/api/explain", "/api/report", "/api/import", "/api/template", "/api/schema", "/api/rulesets",
            "/api/rulesets/validate", "/api/rulesets/simulate"} <= set(schema["paths"])


def test_workbench_pages_work_without_javascript(client):
    page = client.get("/")
    assert page.status_code == 200 and "<script" not in page.text and 'lang="zh-CN"' in page.text
    result = client.post("/score", files=[("files", (SEED.name, SEED.read_bytes()))], data={"public": "1"})
    assert result.status_code == 200 and "公开版" in result.text and "83.85%" in result.text
    assert "反邪项目支出7.4万元" not in result.text
    bad = client.post("/score", files=[("files", ("x.txt", b"hello"))])
    assert bad.status_code == 422 and "不支持的文件类型" in bad.text
    validate = client.post("/rulesets/validate", files=[("ruleset_file", ("r.yaml", b"id: x\ntitle: t\nbogus: 1\n"))])
    assert "未知字段" in validate.text and '<td class="num">3</td>' in validate.text
    simulate = client.post("/rulesets/simulate", data={"base": "mof-project-selfeval", "candidate": "hubei-project-selfeval"},
                           files=[("files", (SAMPLE.name, SAMPLE.read_bytes()))])
    assert "等级迁移" in simulate.text and "data:image/png;base64," in simulate.text
    docs = client.get("/docs")
    assert "/api/score" in docs.text and "<script" not in docs.text


def test_download_buttons_give_the_workbook_and_the_report(client):
    import openpyxl
    from docx import Document
    from jixiao.forms.case_yaml import case_to_yaml
    form = {"case_yaml": case_to_yaml(load_case(SEED)), "department": "department-overall",
            "project": "mof-project-selfeval", "engine": "native", "public": "0"}
    book = openpyxl.load_workbook(io.BytesIO(client.post("/download", data=form | {"what": "xlsx"}).content))
    # 数据项: department-overall declares inputs; the seed states none of them (each row says 未填报)
    assert book.sheetnames == ["总分与等级", "指标得分", "问题与建议", "核对", "数据项"]
    report = Document(io.BytesIO(client.post("/download", data=form | {"what": "docx"}).content))
    assert "83.85%" in "\n".join(p.text for p in report.paragraphs)
