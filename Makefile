# kdx build. Sources are found by directory, so a new module needs no Makefile change.
# Generated lexer/parser C goes to $(BUILD)/grammar and is never committed.
#   make            build ./kdx            make test     all tests
#   make deps       install packages       make asan     ASan+UBSan build, all tests
#   make fuzz       parser fuzzer          make install  PREFIX=/usr/local
#   make demo       the README's main job  make clean
#   make man        man pages in build/man

CC       ?= cc
PREFIX   ?= /usr/local
BUILD    ?= build
WERROR   ?=
SANITIZE ?=
# V=1 shows the full compiler command lines.
Q        := $(if $(V),,@)

PKGS     := json-c openssl expat libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter $(if $(WERROR),-Werror)
# Only the installed stdlib is compiled in; a source checkout sets KDX_STDLIB (tests/run.sh).
CPPFLAGS += -I. -I$(BUILD) $(PKG_CFLAGS) -DKDX_STDLIB_DIR='"$(PREFIX)/share/kdx/stdlib"'
LDLIBS   += $(PKG_LIBS) -lm -lpthread
ifeq ($(SANITIZE),)
# At start-up the dynamic linker looks every symbol up in the libraries in NEEDED order;
# most bindings of every library land in libc and libcrypto, so they come first: ~5 % fewer
# instructions for a whole `kdx version`.
# (Not with the sanitizers, whose runtime must come first.)
LDLIBS   := -Wl,--no-as-needed -lc -lcrypto -lssl -Wl,--as-needed $(LDLIBS)
endif
ifneq ($(SANITIZE),)
CFLAGS   += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif

MODULE_DIRS := common grammar compiler compiler/safety executor executor/store executor/aws executor/terraform sim cli
LIB_SRCS    := $(filter-out cli/main.c,$(foreach d,$(MODULE_DIRS),$(wildcard $(d)/*.c)))
GRAMMAR_Y   := $(wildcard grammar/parser.y)
GRAMMAR_L   := $(wildcard grammar/lexer.l)
GEN_SRCS    := $(if $(GRAMMAR_Y),$(BUILD)/grammar/parser.c) $(if $(GRAMMAR_L),$(BUILD)/grammar/lexer.c)
GEN_HDRS    := $(GEN_SRCS:.c=.h)
# The grammar once more without LAC, tried first (parser.y, grammar/parse.c).
GEN_SRCS    += $(if $(GRAMMAR_Y),$(BUILD)/grammar/parser_fast.c)
# The AWS models, packed at build time into C arrays (executor/aws/model_pack.h, docs/aws.md).
MODEL_JSON  := $(sort $(wildcard stdlib/aws/models/*.json))
MODEL_PACK  := $(BUILD)/tools/modelpack
MODEL_C     := $(BUILD)/models/aws_models.c
# The endpoint rule sets and partitions, packed the same way (executor/aws/rules.h).
RULES_JSON  := $(sort $(wildcard stdlib/aws/endpoints/*.json))
RULES_C     := $(BUILD)/models/aws_rules.c
# The runbooks `kdx init` scaffolds, packed into the binary (cli/templates.h).
TEMPLATE_FILES := $(sort $(wildcard templates/*/*.kdx templates/*/*.kdxvars))
TEMPLATE_EMBED := $(BUILD)/tools/embed
TEMPLATE_C  := $(BUILD)/templates/templates.c
LIB_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS)) $(GEN_SRCS:.c=.o) $(MODEL_C:.c=.o) \
               $(RULES_C:.c=.o) $(TEMPLATE_C:.c=.o)
LIB         := $(BUILD)/libkdx.a
KDX_BIN     := $(if $(filter build,$(BUILD)),kdx,$(BUILD)/kdx)

UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: all test unit deps asan fuzz install man clean demo check-deps golden-update campaign
all: $(KDX_BIN)

$(KDX_BIN): $(BUILD)/cli/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# Every object waits for the generated headers, since any module may include the AST.
$(BUILD)/%.o: %.c | $(GEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Grouped targets (&:): one bison run makes both files, even under make -j.
$(BUILD)/grammar/parser.c $(BUILD)/grammar/parser.h &: grammar/parser.y
	@mkdir -p $(BUILD)/grammar
	bison -Wall -Werror -d -o $(BUILD)/grammar/parser.c $<

# The same grammar without LAC, as kdx_yyparse_fast (no header: it shares parser.h's).
$(BUILD)/grammar/parser_fast.c: grammar/parser.y
	@mkdir -p $(BUILD)/grammar
	bison -Wall -Werror -F parse.lac=none -o $@ $<
$(BUILD)/grammar/parser_fast.o: CPPFLAGS += -DKDX_PARSE_FAST

# flex -Cf: uncompressed tables, half the lexer's instructions for ~50 KiB more binary.
$(BUILD)/grammar/lexer.c $(BUILD)/grammar/lexer.h &: grammar/lexer.l $(BUILD)/grammar/parser.h
	@mkdir -p $(BUILD)/grammar
	flex -Cf --header-file=$(BUILD)/grammar/lexer.h -o $(BUILD)/grammar/lexer.c $<

# Generated C is not ours to keep warning-free in every detail.
$(BUILD)/grammar/%.o: $(BUILD)/grammar/%.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) -Igrammar $(CFLAGS) -Wno-sign-compare -Wno-unused-function -MMD -MP -c -o $@ $<

$(MODEL_PACK): stdlib/aws/models/modelpack.c $(BUILD)/executor/aws/model_pack.o \
		$(BUILD)/common/strbuf.o $(BUILD)/common/xalloc.o
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(MODEL_C): $(MODEL_PACK) $(MODEL_JSON)
	@mkdir -p $(dir $@)
	@echo "  PACK    $@"
	$(Q)$(MODEL_PACK) -o $@ $(MODEL_JSON)

$(RULES_C): $(MODEL_PACK) $(RULES_JSON)
	@mkdir -p $(dir $@)
	@echo "  PACK    $@"
	$(Q)$(MODEL_PACK) -o $@ -t rulesets $(RULES_JSON)

$(MODEL_C:.c=.o) $(RULES_C:.c=.o): $(BUILD)/models/%.o: $(BUILD)/models/%.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -g0 -c -o $@ $<

$(TEMPLATE_EMBED): templates/embed.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $<

$(TEMPLATE_C): $(TEMPLATE_EMBED) $(TEMPLATE_FILES)
	@mkdir -p $(dir $@)
	@echo "  EMBED   $@"
	$(Q)$(TEMPLATE_EMBED) -o $@ $(TEMPLATE_FILES)

$(TEMPLATE_C:.c=.o): $(TEMPLATE_C)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -g0 -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)

test: $(KDX_BIN) $(UNIT_BINS)
	@KDX_STDLIB="$(CURDIR)/stdlib" KDX="$(CURDIR)/$(KDX_BIN)" UNIT_DIR="$(CURDIR)/$(BUILD)/tests" ./tests/run.sh

# The long fault campaign (issue #20.10; docs/testing.md): the sample t0950 runs in
# 'make test', this runs every targeted fault, 5 seeds at 20 % and 50 %, a kill at every
# journal write of a passing and a failing apply (both resume and rollback after each of the
# passing apply's 12, in turn after the failing one's), and 6 damaged journals: ~60 runs,
# about an hour on the shared 2-CPU machine (larger: CAMPAIGN_SEEDS=20 ...).
campaign: $(KDX_BIN)
	@CAMPAIGN_FULL=1 CAMPAIGN_SEEDS=$${CAMPAIGN_SEEDS:-5} CAMPAIGN_RATES=$${CAMPAIGN_RATES:-0.2,0.5} \
		CAMPAIGN_KILL_POINTS=$${CAMPAIGN_KILL_POINTS:-$$(seq -s, 1 23)} \
		CAMPAIGN_KILL_BOTH_UPTO=$${CAMPAIGN_KILL_BOTH_UPTO:-12} \
		CAMPAIGN_DAMAGE_POINTS=$${CAMPAIGN_DAMAGE_POINTS:-6} \
		KDX="$(CURDIR)/$(KDX_BIN)" bash tests/e2e/t0950-campaign-sample.sh

# Re-record golden outputs after an intended change; review the diff before committing.
golden-update: $(KDX_BIN)
	@KDX_STDLIB="$(CURDIR)/stdlib" KDX="$(CURDIR)/$(KDX_BIN)" ./tests/golden/run.sh --update

asan:
	$(MAKE) BUILD=build/asan SANITIZE=1 CC=clang test

deps:
	@./tests/deps.sh

check-deps:
	@./tests/deps.sh --check

fuzz:
	@./tests/fuzz/run.sh

demo: all
	@./tests/demo.sh

# Man pages are made by kdx itself from the command table (kdx help -man), so they say
# what `kdx help` says.
man: $(KDX_BIN)
	@mkdir -p $(BUILD)/man
	@echo "  MAN     $(BUILD)/man"
	$(Q)./$(KDX_BIN) help -man > $(BUILD)/man/kdx.1
	$(Q)for c in $$(./$(KDX_BIN) __complete ''); do \
		./$(KDX_BIN) help -man $$c > $(BUILD)/man/kdx-$$c.1 || exit 1; done

SHARE := $(DESTDIR)$(PREFIX)/share
install: $(KDX_BIN) man
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/kdx $(SHARE)/man/man1 \
		$(SHARE)/bash-completion/completions $(SHARE)/zsh/site-functions \
		$(SHARE)/fish/vendor_completions.d
	install -m 0755 $(KDX_BIN) $(DESTDIR)$(PREFIX)/bin/kdx
	cp -R stdlib $(SHARE)/kdx/
	install -m 0644 $(BUILD)/man/*.1 $(SHARE)/man/man1/
	install -m 0644 completions/kdx.bash $(SHARE)/bash-completion/completions/kdx
	install -m 0644 completions/_kdx $(SHARE)/zsh/site-functions/_kdx
	install -m 0644 completions/kdx.fish $(SHARE)/fish/vendor_completions.d/kdx.fish

clean:
	rm -rf build kdx

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
