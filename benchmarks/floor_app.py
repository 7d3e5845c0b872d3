"""The framework's floor: a minimal Typer app that prints one Rich table, nothing else."""

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False)


@app.command()
def main(hidden: int = typer.Option(20, "--hidden")) -> None:
    table = Table("tensor", "shape")
    table.add_row("output", f"(4, 3, {hidden})")
    Console().print(table)


if __name__ == "__main__":
    app()
