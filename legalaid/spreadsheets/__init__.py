"""Spreadsheets in and out: reading CSV and .xlsx files, importing households, exporting cases."""
