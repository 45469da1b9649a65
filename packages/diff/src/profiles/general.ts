import { dataRules } from "../rules/data.js";
import { initRules } from "../rules/init.js";
import { metaRules } from "../rules/meta.js";
import { sectionRules } from "../rules/sections.js";
import { signatureRules } from "../rules/signatures.js";
import { staticLocalRules } from "../rules/statics.js";
import { symbolRules } from "../rules/symbols.js";
import { typeRules } from "../rules/types.js";
import type { Profile } from "./profile.js";

/**
 * The general profile: refuses changed layouts of types the object uses, changed existing data (initial
 * value, size, section), symbol binding/type changes, changed initialisation code and dropped static
 * locals. New functions, new data and changed functions are fine.
 */
export const general: Profile = {
  name: "general",
  description: "user-space programs and libraries: replace functions, never existing data or layouts",
  rules: [
    typeRules,
    dataRules,
    symbolRules,
    initRules,
    staticLocalRules,
    signatureRules,
    sectionRules,
    metaRules,
  ],
};
