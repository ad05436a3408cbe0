from . import crm_segmentation_job_run
from . import crm_rfm_config
from . import crm_segment
from . import crm_segment_snapshot
