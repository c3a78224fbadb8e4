"""The schools of an installation: the UAI (the ministry's code of an establishment) and its
check letter (``uai``), and the schools' register (``register``): create, list with their
active learner counts, read, edit name, UAI and portal address."""
