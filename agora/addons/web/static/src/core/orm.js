// The model methods the views call, each one JSON-RPC call with the user's context.

import {rpc} from "./rpc.js";
import {session} from "./session.js";

function withContext(context) {
    return {...session.userContext, ...(context || {})};
}

async function call(model, method, args = [], kwargs = {}) {
    const params = {model, method, args, kwargs: {...kwargs, context: withContext(kwargs.context)}};
    return rpc(`/web/dataset/call_kw/${model}/${method}`, params);
}

export const orm = {
    call,

    webSearchRead(model, domain, specification, {offset = 0, limit, order, countLimit, context} = {}) {
        const kwargs = {specification, offset, context};
        if (limit !== undefined) {
            kwargs.limit = limit;
        }
        if (order) {
            kwargs.order = order;
        }
        if (countLimit) {
            kwargs.count_limit = countLimit;
        }
        return call(model, "web_search_read", [domain], kwargs);
    },

    webRead(model, ids, specification, {context} = {}) {
        return call(model, "web_read", [ids], {specification, context});
    },

    webSave(model, ids, vals, specification, {context} = {}) {
        return call(model, "web_save", [ids, vals], {specification, context});
    },

    readGroup(model, domain, fields, groupby, {offset = 0, limit, orderby, lazy = true, context} = {}) {
        const kwargs = {offset, lazy, context};
        if (limit) {
            kwargs.limit = limit;
        }
        if (orderby) {
            kwargs.orderby = orderby;
        }
        return call(model, "read_group", [domain, fields, groupby], kwargs);
    },

    nameSearch(model, name, {domain = [], limit = 8, operator = "ilike", context} = {}) {
        return call(model, "name_search", [], {name, args: domain, operator, limit, context});
    },

    nameCreate(model, name, {context} = {}) {
        return call(model, "name_create", [name], {context});
    },

    onchange(model, ids, values, fieldNames, fieldsSpec, {context} = {}) {
        return call(model, "onchange", [ids, values, fieldNames, fieldsSpec], {context});
    },

    unlink(model, ids) {
        return call(model, "unlink", [ids]);
    },

    write(model, ids, vals) {
        return call(model, "write", [ids, vals]);
    },

    create(model, vals) {
        return call(model, "create", [vals]);
    },

    callButton(model, method, ids, {context} = {}) {
        return rpc("/web/dataset/call_button", {
            model, method, args: [ids], kwargs: {context: withContext(context)},
        });
    },
};
