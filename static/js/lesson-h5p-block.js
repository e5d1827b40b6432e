// The H5P block of a lesson's body in the Wagtail editor (content/blocks.py, H5PActivityBlockAdapter): as the
// trainer picks an activity, the rule list offers only the rules that activity can meet, and a warning
// next to the list says when the block's current rule cannot be met. The current rule stays selectable
// (a disabled selected option would not be sent, and the trainer should see what was saved); saving such
// a block is refused by the server. An activity the form does not know (uploaded after the editor was
// opened) gets every rule; the server decides on save.
(() => {
  const { StructBlockDefinition } = window.wagtailStreamField.blocks;
  const SVG = "http://www.w3.org/2000/svg";

  const warningElement = () => {
    const warning = document.createElement("p");
    warning.className = "help-block help-warning";
    warning.dataset.h5pRuleWarning = "";
    warning.setAttribute("aria-live", "polite");
    warning.hidden = true;
    const icon = document.createElementNS(SVG, "svg");
    icon.setAttribute("class", "icon icon-warning");
    icon.setAttribute("aria-hidden", "true");
    const use = document.createElementNS(SVG, "use");
    use.setAttribute("href", "#icon-warning");
    icon.append(use);
    const text = document.createElement("span");
    warning.append(icon, text);
    return [warning, text];
  };

  class H5PActivityBlockDefinition extends StructBlockDefinition {
    render(placeholder, prefix, initialState, initialError) {
      const block = super.render(placeholder, prefix, initialState, initialError);
      const activity = document.getElementById(`${prefix}-activity`);
      const rule = document.getElementById(`${prefix}-rule`);
      if (!activity || !rule) return block;
      const { activityRules = {}, ruleWarning = "" } = this.meta;
      const [warning, warningText] = warningElement();
      (rule.closest("[data-field-input]") || rule).after(warning);
      const label = (value) => {
        const option = Array.from(rule.options).find((o) => o.value === value);
        return option ? option.text : value;
      };

      const update = () => {
        const allowed = activityRules[activity.value] || null;
        for (const option of rule.options) {
          const impossible = allowed !== null && option.value !== "" && !allowed.includes(option.value);
          const offered = !impossible || option.value === rule.value;
          option.hidden = !offered;
          option.disabled = !offered;
          if (impossible) option.dataset.h5pRuleImpossible = "";
          else delete option.dataset.h5pRuleImpossible;
        }
        const cannotMeet = allowed !== null && rule.value !== "" && !allowed.includes(rule.value);
        warningText.textContent = cannotMeet
          ? ruleWarning
              .replace("%(rule)s", label(rule.value))
              .replace("%(rules)s", allowed.map((value) => `“${label(value)}”`).join(", "))
          : "";
        warning.hidden = !cannotMeet;
        // Marked invalid while the warning shows; an error the server gave the field is left as it is.
        if (cannotMeet) {
          rule.setAttribute("aria-invalid", "true");
          rule.dataset.h5pRuleInvalid = "";
        } else if ("h5pRuleInvalid" in rule.dataset) {
          rule.removeAttribute("aria-invalid");
          delete rule.dataset.h5pRuleInvalid;
        }
      };

      // Wagtail's chooser sets its hidden input and sends "change" when an activity is chosen or cleared.
      activity.addEventListener("change", update);
      rule.addEventListener("change", update);
      update();
      return block;
    }
  }

  window.telepath.register("content.blocks.H5PActivityBlock", H5PActivityBlockDefinition);
})();
