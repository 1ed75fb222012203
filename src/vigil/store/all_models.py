"""Import every module that defines tables, so ``Base.metadata`` is complete."""

from vigil.store import models as models
from vigil.web import models as web_models
