def test_demo_imports_and_lists(demo_cli):
    rows = demo_cli.ok("tasks", "--json").json()
    assert len(rows) == 8
