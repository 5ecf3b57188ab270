# kube: a thin, self-documenting front over the package.json scripts (the source of truth).
# `make` or `make help` lists the targets. Bun is the pinned devDependency, not a global one.

BUN := node_modules/.bin/bun
NPM ?= npm
# Everything that ends up inside ./kube; tests and benchmarks do not.
SOURCES := $(shell find cmd components lib storage assets -type f -not -name '*.test.ts' 2>/dev/null) \
	package.json tsconfig.json

.DEFAULT_GOAL := help
.PHONY: help deps system-deps build build-arm64 run test check typecheck lint bench bench-scale clean

help: ## List the targets (default)
	@echo "kube: Kubernetes as one small executable. Targets:"
	@awk 'BEGIN { FS = ":.*## " } /^[a-z-]+:.*## / { printf "  make %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps: node_modules/.package-lock.json system-deps ## Install npm packages (npm ci) and, if missing, etcd, etcdctl, ip, nft, openssl, the Python client, crun, skopeo, umoci, docker-registry, busybox-static, qemu-user-static, libc6-arm64-cross, chromium, uidmap, slirp4netns and passt

# npm writes node_modules/.package-lock.json on every install: it is older than
# package-lock.json exactly when node_modules is stale.
node_modules/.package-lock.json: package-lock.json
	$(NPM) ci
	@touch $@

system-deps: ## Install Debian's etcd-server, etcd-client, iproute2, nftables, openssl, python3-kubernetes, crun, skopeo, umoci, docker-registry, busybox-static, qemu-user-static, libc6-arm64-cross, chromium when missing
	@.ci/install-system-deps

build: kube ## Build ./kube (bun build --compile), only when sources changed

kube: $(SOURCES) node_modules/.package-lock.json
	$(NPM) run --silent build

# arm64 (edge devices): the same sources cross-compiled with the aarch64 Bun of the pinned
# version (npm's @oven/bun-linux-aarch64, fetched with `npm pack` into node_modules/.cache).
BUN_VERSION = $(shell node -p "require('./package.json').devDependencies.bun")
ARM64_BUN_DIR = node_modules/.cache/kube-arm64/bun-linux-aarch64-$(BUN_VERSION)
ARM64_BUN = $(ARM64_BUN_DIR)/package/bin/bun

build-arm64: kube-linux-arm64 ## Build ./kube-linux-arm64 (bun build --compile --target=bun-linux-arm64)

kube-linux-arm64: $(SOURCES) node_modules/.package-lock.json $(ARM64_BUN)
	$(BUN) build cmd/main.ts --compile --splitting --minify --format=esm --target=bun-linux-arm64 \
		--compile-executable-path=$(ARM64_BUN) --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
		--outfile $@

$(ARM64_BUN):
	mkdir -p $(ARM64_BUN_DIR)
	cd $(ARM64_BUN_DIR) && $(NPM) pack --silent @oven/bun-linux-aarch64@$(BUN_VERSION) && tar -xzf oven-bun-linux-aarch64-$(BUN_VERSION).tgz
	@test -x $@ || { echo "no executable $@ in the npm package" >&2; exit 1; }
	@touch $@

run: deps build ## Build and start `./kube server` (data: /var/lib/kube as root, else ~/.kube-server)
	./kube server

# TEST_JOBS=N runs the test files in N processes (bun test --parallel; clusters lease their own
# address ranges, names carry the PID). The default, 2, suits a 2-core machine: the suite mostly
# waits on processes, so two files at once take about 0.7x the time of one after another.
# TEST_JOBS=1 runs them one after another (on a machine loaded by other work).
TEST_JOBS ?= 2

test: deps build ## Run the whole test suite (bun test) against the freshly built ./kube; TEST_JOBS=N for N processes
	$(BUN) test --timeout 60000 $(if $(filter-out 1,$(TEST_JOBS)),--parallel=$(TEST_JOBS))

typecheck: node_modules/.package-lock.json ## tsc --noEmit
	$(BUN) run typecheck

lint: node_modules/.package-lock.json ## Biome lint and format check
	$(BUN) run lint

check: typecheck lint test ## Typecheck, lint and test

bench: deps build ## Run the benchmarks (bench/main.ts)
	$(BUN) run bench/main.ts

bench-scale: deps build ## Scale run: SCALE_NODES fake nodes (5000), SCALE_PODS pods (150000) via Deployments
	$(BUN) run bench/scale.ts

clean: ## Remove ./kube and build leftovers
	rm -f kube kube-linux-arm64 .*.bun-build
