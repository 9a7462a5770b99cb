# A thin wrapper over CMake: `make run` and `make test` are the README's two commands.
BUILD ?= build
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
DATA ?= ./var

.PHONY: all deps build run test sanitize bench clean

all: build

deps:
	@deploy/install-deps.sh all

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/inspel dialogue import deploy/demo/cykelplan.json --data $(DATA)
	$(BUILD)/inspel serve --listen $(LISTEN) --data $(DATA)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DINSPEL_SANITIZE=ON
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ctest --output-on-failure -j $(JOBS) -LE no-sanitize

# The intake load benchmark of issue 4: wrk against the server and the fastify peer, about a minute.
bench: build
	bench/intake/run.sh --binary $(BUILD)/inspel

clean:
	rm -rf $(BUILD) build-sanitize
