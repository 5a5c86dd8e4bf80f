from pytest_looker.cli import main

main()
