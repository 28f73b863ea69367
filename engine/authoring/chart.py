"""The grade distribution before and after a ruleset change, as a PNG bar chart.

matplotlib is an optional extra (`pip install jixiao[chart]`), used headless (Agg). Grade names
are Chinese; where no CJK font is installed they would print as boxes, so the chart then labels
grades with Latin letters (优 → A excellent …) and says so in a note.
"""
from __future__ import annotations

from jixiao.core.i18n import _, language
from jixiao.core.errors import JixiaoError
from jixiao.authoring.simulate import NO_GRADE, Simulation

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")
LATIN = {"优": "A excellent", "良": "B good", "中": "C fair", "差": "D poor", NO_GRADE: "no grade"}


class ChartError(JixiaoError):
    exit_code = 2


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise ChartError(_("--chart 需要 matplotlib：pip install 'jixiao[chart]'")) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    return plt, font_manager


def cjk_font(font_manager) -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def write_chart(sim: Simulation, path: str, cjk: bool = True) -> None:
    """`cjk=False` forces the Latin labels (what a machine without CJK fonts gets)."""
    plt, font_manager = _matplotlib()
    font = cjk_font(font_manager) if cjk else None
    chinese = font is not None and language() == "zh"  # Chinese labels need a CJK font to draw them
    grades = sim.grades()
    labels = ([g if g != NO_GRADE else "无等级" for g in grades] if font
              else [LATIN.get(g, f"grade {i + 1}") for i, g in enumerate(grades)])
    text = (lambda zh, en: zh) if chinese else (lambda zh, en: en)
    before, after = sim.distribution("base"), sim.distribution("candidate")
    rc = {"font.family": [font, "DejaVu Sans"]} if font else {"font.family": ["DejaVu Sans"]}
    with plt.rc_context(rc | {"svg.hashsalt": "jixiao"}):
        fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
        xs = range(len(grades))
        width = 0.38
        bars_a = ax.bar([x - width / 2 for x in xs], before, width, label=text("现行：", "base: ") + sim.base.id, color="#8c9eb5")
        bars_b = ax.bar([x + width / 2 for x in xs], after, width, label=text("拟用：", "candidate: ") + sim.candidate.id, color="#d9822b")
        for bars in (bars_a, bars_b):
            ax.bar_label(bars, padding=2, fontsize=9)
        ax.set_xticks(list(xs), labels)
        ax.set_ylabel(text("记录数", "records"))
        ax.set_ylim(0, max(before + after + [1]) * 1.2)
        ax.set_title(text(f"调整前后的等级分布（{len(sim.rows)} 条记录）",
                          f"Grade distribution, {len(sim.rows)} records: before and after"))
        ax.legend(frameon=False, fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        if not font:
            fig.text(0.01, 0.01, "grades shown as letters: no CJK font installed", fontsize=7, color="#666666")
        fig.tight_layout()
        fig.savefig(path, format="png", metadata={"Software": None})
        plt.close(fig)
