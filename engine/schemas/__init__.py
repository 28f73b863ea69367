"""JSON Schemas of the result and case contracts, shipped as package data (see outputs.contracts)."""
