"""Time of `jixiao extract` on a generated 200-page report, against the issue's 2 s budget.

Writes a report of PAGES pages (about 40 lines of ~38 characters a page, as a printed A4 page of
Chinese text holds): the unit's part, then one section per project with its budget sentence,
filler text, a "未发生…" statement and, every fifth project, a flattened 自评表; problems and
improvements at the end. Times read + extract (best of 3) as .txt, as .docx (python-docx) and,
with --pdf, as a text PDF (reportlab must be installed; pypdf reads it). Prints seconds and the
ratio to the 2 s budget (below 1.00 is within it).

    python bench/extract.py            # 200 pages, .txt and .docx
    python bench/extract.py --pages 400 --pdf
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from jixiao.extract.draft import extract_report  # noqa: E402

FILLER = "项目资金主要用于日常运行保障和重点工作推进，按照预算管理要求规范使用，提升服务群众的能力和水平。"
LINES_PER_PAGE = 40


def report_lines(pages: int) -> list[str]:
    lines = ["示例区示例局2024年度部门整体支出绩效自评报告", "一、部门基本情况", "本局行政编制45名，实有人数43人。",
             "二、一般公共预算支出情况", "2024年度财政拨款支出年初预算数为12345.67万元，支出合计12001.02万元，"
             "其中：基本支出8000.01万元；项目支出4001.01万元。", "三、项目支出绩效情况"]
    project = 0
    while len(lines) < pages * LINES_PER_PAGE:
        project += 1
        lines.append(f"{project}.示例专项项目{project:03d}")
        lines.append(f"年初预算资金{project * 3}.50万元，年中执行调增（减）0万元，实际支出{project * 3}.10万元，结余结转0.40万元。")
        lines.extend([FILLER] * 30)
        lines.append("全年未发生重大群体性事件和重大网络安全案件。")
        if project % 5 == 0:
            lines += [f"项目名称 示例表项目{project:03d}", "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分",
                      "年度资金总额 20 20 18 10 90% 9", "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
                      "产出指标 数量指标 服务人次 ≥100人次 120人次 20 20", "效益指标 社会效益指标 群众满意度 ≥90% 95% 20 20",
                      "总分 100 95"]
    lines += ["四、存在的问题及原因分析", "（一）预算编制有待细化。", "五、下一步改进措施", "（一）加强预算绩效管理。"]
    return lines


def best_of(path: Path, runs: int = 3) -> tuple[float, int]:
    times, draft = [], None
    for _ in range(runs):
        start = time.perf_counter()
        draft = extract_report(path)
        times.append(time.perf_counter() - start)
    return min(times), len(draft.case.projects)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--pdf", action="store_true", help="also time a text PDF (needs reportlab)")
    args = parser.parse_args()
    from extract_docs import write_docx, write_pdf

    lines = report_lines(args.pages)
    chars = sum(len(line) for line in lines)
    print(f"generated report: {args.pages} pages, {len(lines)} lines, {chars} characters")
    with tempfile.TemporaryDirectory() as folder:
        files = {".txt": Path(folder) / "report.txt", ".docx": Path(folder) / "report.docx"}
        files[".txt"].write_text("\n".join(lines), encoding="utf-8")
        write_docx(lines, files[".docx"])
        if args.pdf:
            paged = []
            for i, line in enumerate(lines):
                if i and i % LINES_PER_PAGE == 0:
                    paged.append("\\f")
                paged.append(line)
            files[".pdf"] = write_pdf(paged, Path(folder) / "report.pdf")
        for suffix, path in files.items():
            seconds, projects = best_of(path)
            print(f"{suffix:6} {seconds:6.3f} s  ({projects} projects)  ratio to the 2 s budget {seconds / 2:.2f}")


if __name__ == "__main__":
    main()
