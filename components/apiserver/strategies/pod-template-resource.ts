// The PodTemplate strategy (core/v1 podtemplates): pod template defaults and validation of
// `template`. Upstream: pkg/registry/core/podtemplate/strategy.go (generation bumps on
// template changes), pkg/apis/core/validation ValidatePodTemplate.

import { defaultPodTemplate } from "../defaults/pod-template-defaults.ts";
import type { Strategy } from "../registry/strategy.ts";
import { validatePodTemplate } from "../validation/pod-template-validation.ts";

export const podTemplateStrategy: Strategy = {
  generation: true,
  defaults(obj) {
    if (obj.template === undefined || obj.template === null) obj.template = {};
    defaultPodTemplate(obj.template);
  },
  validate(obj) {
    return validatePodTemplate("template", obj.template ?? {});
  },
};
