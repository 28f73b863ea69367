"""Examples for the OpenAPI document: a small constructed case (fictional unit, figures that add
up: 100.00 budgeted, 83.85 spent, 16.15 carried over) and what the service answers."""
from __future__ import annotations

CASE = {
    "case": {"id": "example-2024", "unit": "示例区某局", "year": 2024, "source": "constructed example"},
    "department": {"id": "example-dept", "name": "示例区某局",
                   "budget": {"initial": "100.00", "final": "100.00"},
                   "spending": {"total": "83.85", "basic": "60.00", "project": "23.85"}, "carryover": "16.15"},
    "projects": [{"id": "p1", "name": "示例项目", "budget": {"initial": "30.00", "final": "30.00"},
                  "actual": "23.85", "carryover": "6.15"}],
}

CASE_YAML = """case: {id: example-2024, unit: 示例区某局, year: 2024}
department: {id: example-dept, name: 示例区某局, budget: {final: 100.00}, spending: {total: 83.85}}
projects:
  - {id: p1, name: 示例项目, budget: {final: 30.00}, actual: 23.85}
"""

RULESET_YAML = """id: my-project-rules
extends: mof-project-selfeval
title: 某地项目支出绩效自评规则
version: "2025.1"
grades:
  - {name: 优, min: 85}
  - {name: 良, min: 75}
  - {name: 中, min: 60}
  - {name: 差, min: 0}
"""

PROBLEM = {"type": "urn:jixiao:problem:invalid-input", "title": "输入有误", "status": 422,
           "detail": "<request>: project p1, field projects.actual: '完成' is not a number", "instance": "/api/score",
           "problems": [{"text": "<request>: project p1, field projects.actual: '完成' is not a number",
                         "message": "'完成' is not a number", "file": "<request>", "line": None, "column": None,
                         "record": "project p1", "field": "projects.actual"}]}
