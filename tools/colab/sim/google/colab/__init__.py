"""A stand-in for Colab's ``google.colab`` package, for the Colab-like test only.

Colab's kernel imports ``google.colab`` at start; the chapters' setup cell looks for it in
``sys.modules`` to know it runs on Colab.  This module is on the test kernel's path
(``tools/colab/sim``), never installed, so ``pip freeze`` does not see it.
"""

from types import SimpleNamespace

#: Colab's ``output.enable_custom_widget_manager()``, which third-party widgets need there.
output = SimpleNamespace(enable_custom_widget_manager=lambda: None)
