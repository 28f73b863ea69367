"""`python -m jixiao`: the same command line as `jixiao`."""
from jixiao.cli.main import main

if __name__ == "__main__":
    main(prog_name="jixiao")
