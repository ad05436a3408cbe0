from . import helpdesk_service_level_report
from . import helpdesk_service_level_xlsx
