"""Documents handed to people: the identifier workbook (.xlsx) and the login slips (PDF), with
their fonts.
"""
