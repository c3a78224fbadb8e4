"""Running the service: backup and restore, health checks, logging set-up, private files, the demo
school.
"""
