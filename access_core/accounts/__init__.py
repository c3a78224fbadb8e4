"""Staff accounts and credentials: administrators, their login, sessions and throttle; learners'
login and password rules; bcrypt hashing; the security log.
"""
