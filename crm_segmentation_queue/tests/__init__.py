from . import test_queue
from . import test_install
from . import test_snapshot_queue
