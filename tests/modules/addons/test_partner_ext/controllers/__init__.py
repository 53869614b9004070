from agora.http import Controller, route


class PartnerExtRoutes(Controller):
    @route("/test_partner_ext/ping", type="json", auth="user")
    def ping(self, request, params):
        return "pong"
