"""Review beside scoring: a review (复核) ruleset only flags, so it is added with `--review` and
never replaces the scoring ruleset; a ruleset of the wrong kind for its option is an error naming
both kinds and the option to use instead.

Before kinds existed, `report --ruleset review-fuhe` scored the seed's department with the review
ruleset: the draft said "等级None" and "未发现需要说明的问题" for a department with five findings.
"""
import pytest
from click.testing import CliRunner

from conftest import SEED
from jixiao.cli.main import main
from jixiao.core.errors import RulesetError
from jixiao.rulesets.loader import load_ruleset, pick_review_rulesets, pick_rulesets


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_shipped_rulesets_say_their_kind():
    assert load_ruleset("review-fuhe").ruleset.kind == "review"
    assert load_ruleset("review-fuhe-project").ruleset.kind == "review"
    for ref in ("department-overall", "mof-project-selfeval", "hubei-project-selfeval", "pingan-veto"):
        assert load_ruleset(ref).ruleset.kind == "scoring"


@pytest.mark.parametrize("command", ["score", "report", "explain"])
def test_a_review_ruleset_given_to_ruleset_is_an_error(command):
    result = run(command, str(SEED), "--ruleset", "review-fuhe")
    assert result.exit_code == 2
    assert "等级None" not in result.output
    assert "规则 review-fuhe 是复核规则，--ruleset 只接受评分规则；请改用 --review review-fuhe" in result.output
    assert "Traceback" not in result.output


def test_a_scoring_ruleset_given_to_review_is_an_error():
    result = run("report", str(SEED), "--review", "department-overall")
    assert result.exit_code == 2
    assert "规则 department-overall 是评分规则，--review 只接受复核规则；请改用 --ruleset department-overall" in result.output


def test_pick_functions_check_the_kind():
    with pytest.raises(RulesetError, match="复核规则"):
        pick_rulesets(("review-fuhe-project",))
    department, project = pick_review_rulesets(())
    assert (department.id, project.id) == ("review-fuhe", "review-fuhe-project")
    department, project = pick_review_rulesets(("review-fuhe",))
    assert (department.id, project.id) == ("review-fuhe", "review-fuhe-project")


def test_review_is_beside_scoring_in_the_report():
    # the seed's department keeps its scoring result (partial 5.00, see department-overall's tests)
    # while the review's flags go to the closing section
    result = run("report", str(SEED), "--review", "review-fuhe", "--engine", "native")
    assert result.exit_code == 0, result.output
    assert "等级None" not in result.output
    assert "可评价部分5.00" in result.output
    assert "## 附：复核提示" in result.output and "“街道”" in result.output
    quiet = run("report", str(SEED), "--no-review", "--engine", "native")
    assert quiet.exit_code == 0 and "附：复核提示" not in quiet.output


def test_a_scoring_ruleset_cannot_include_a_review_one(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text("id: mixed\ntitle: t\napplies_to: department\nprovenance: p\ninclude: [review-fuhe]\n",
                    encoding="utf-8")
    with pytest.raises(RulesetError, match="所含规则 review-fuhe 是复核规则，不能并入评分规则 mixed"):
        load_ruleset(str(path))
