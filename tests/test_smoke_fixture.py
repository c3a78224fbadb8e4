from tests.factories import add_learner, dump_tables


def test_fixture_gives_an_empty_migrated_database(db, admin):
    dump = dump_tables(db)
    assert dump["learners"] == []
    add_learner(db, "Martin", "Léa")
    assert len(dump_tables(db)["learners"]) == 1
