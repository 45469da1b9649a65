# Build-tool integration: `make livepatch-check` compares the release build with the patched build before a
# live patch is packaged, keeps the JSON report (the functions to replace) next to the patch, and stops the
# build with the text report when the patch cannot be applied.
ELFDELTA ?= npx elfdelta
ORIG_BUILD ?= build/release
PATCHED_BUILD ?= build/patched
PATCH_DIR ?= build/livepatch
POLICY := $(if $(wildcard elfdelta.policy.json),--policy elfdelta.policy.json)

.PHONY: livepatch-check
livepatch-check:
	@mkdir -p $(PATCH_DIR)
	@$(ELFDELTA) diff $(POLICY) --format json --output $(PATCH_DIR)/elfdelta.json $(ORIG_BUILD) $(PATCHED_BUILD) \
	  || { $(ELFDELTA) diff $(POLICY) $(ORIG_BUILD) $(PATCHED_BUILD) >&2; exit 1; }
	@echo "live patch OK: $(PATCH_DIR)/elfdelta.json lists what to replace"
