"""A user-defined output for the outputs tests (imported by name, as a user's would be)."""


def employed_share(model):
    """Share of workers with a job, and the month, from the model's own results."""
    row = model.results_frame().iloc[-1]
    return {
        "employed_share": float(row["n_employed"] / row["n_workers"]),
        "hook_month": model.month,
    }


def not_a_mapping(model):
    """A broken hook: returns a number, not a mapping."""
    return 3.0


def partition_key(model):
    """A hook whose column would clash with the results' partition key ``chunk``."""
    return {"chunk": 1.0}
