"""Import every module that defines tables, so ``Base.metadata`` is complete."""

from vigil.identifiers import models as identifier_models  # noqa: F401
from vigil.safeguard import models as safeguard_models  # noqa: F401
from vigil.store import models as models
from vigil.trends import models as trends_models  # noqa: F401
from vigil.watch import models as watch_models  # noqa: F401
