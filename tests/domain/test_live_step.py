from ballot_app.domain.live_step import shows_new_results


def test_results_change_only_after_a_whole_step_of_new_ballots():
    assert shows_new_results(None, 0, 5)
    assert not any(shows_new_results(10, returned, 5) for returned in range(10, 15))
    assert shows_new_results(10, 15, 5) and shows_new_results(10, 40, 5)


def test_a_step_below_one_counts_as_one():
    assert not shows_new_results(3, 3, 0)
    assert shows_new_results(3, 4, 0)
