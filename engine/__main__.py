"""`python -m jixiao`: the same command line as `jixiao`."""
from jixiao.cli.main import run

if __name__ == "__main__":
    run()
