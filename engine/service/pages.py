"""The workbench (placeholder until the pages land)."""
from fastapi import APIRouter


def router(catalog, limits):
    return APIRouter()
