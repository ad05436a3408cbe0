from . import helpdesk_service_level_report
