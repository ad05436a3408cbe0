from . import crm_territory
