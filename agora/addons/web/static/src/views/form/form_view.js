// The form view descriptor: mounts a FormController (see form_controller.js).
import { registerView } from "../../core/registry.js";
import { FormController } from "./form_controller.js";

const descriptor = {
    type: "form",
    display: "Form",
    icon: "▤",
    searchable: false,
    async mount(container, props) {
        const controller = new FormController(container, props);
        await controller.start();
        return controller;
    },
};

registerView(descriptor);
export default descriptor;
