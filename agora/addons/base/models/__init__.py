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
