"""Bringing the accounts in line with a school's roster file: reading the formats (CSV, XLSX,
SIECLE, ONDE) within limits, the preview, the plan and its apply.
"""
