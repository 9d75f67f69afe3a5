from spinewise.cli import main

main()
