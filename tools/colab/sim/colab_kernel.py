"""Start an IPython kernel as Colab's does: with ``google.colab`` already imported."""

import google.colab  # noqa: F401
from ipykernel import kernelapp

if __name__ == "__main__":
    kernelapp.launch_new_instance()
