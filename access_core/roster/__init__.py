"""The learners as the dashboard shows them: queries by class, figures, the school-wide search,
logins and name folding, password resets.
"""
