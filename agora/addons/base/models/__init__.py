from agora.addons.base.models import (  # noqa: F401
    ir_model,
    ir_model_access,
    ir_model_data,
    ir_module,
    ir_rule,
    res_company,
    res_country,
    res_currency,
    res_groups,
    res_lang,
    res_partner,
    res_users,
)
from agora.addons.base.models import ir_sequence  # noqa: F401
from agora.addons.base.models import ir_config_parameter  # noqa: F401
from agora.addons.base.models import ir_cron  # noqa: F401
from agora.addons.base.models import ir_attachment  # noqa: F401
from agora.addons.base.models import ir_ui_view  # noqa: F401
from agora.addons.base.models import ir_actions  # noqa: F401
from agora.addons.base.models import ir_ui_menu  # noqa: F401
